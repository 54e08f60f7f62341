export OS_AUTH_URL=https://198.18.0.10:5000/v3
export OS_USERNAME="demo
export OS_PROJECT_NAME=demo
