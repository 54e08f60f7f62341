/* \summary: OpenStack credentials: the data the Keystone client consumes */
#ifndef VMTP_LIB_CREDS_H
#define VMTP_LIB_CREDS_H

#include <stdbool.h>

/*
 * Credentials gathered from an openrc file, OS_* environment variables
 * (passed in by the CLI: the library never calls getenv), a clouds.yaml
 * entry and the -p option. Every string is owned; secrets (password,
 * application credential secret, token) are wiped on release.
 * Filled by creds.c; consumed by the Keystone client (os_auth.c).
 */
struct vmtp_os_creds {
    char *auth_url;            /* OS_AUTH_URL, e.g. http://198.18.0.1:5000/v3 */
    int identity_api_version;  /* 3; 2 is refused with a clear message */
    char *username;            /* OS_USERNAME */
    char *user_id;             /* OS_USER_ID */
    char *user_domain_name;    /* OS_USER_DOMAIN_NAME */
    char *user_domain_id;      /* OS_USER_DOMAIN_ID */
    char *password;            /* OS_PASSWORD or -p: secret */
    char *project_name;        /* OS_PROJECT_NAME (or OS_TENANT_NAME) */
    char *project_id;          /* OS_PROJECT_ID (or OS_TENANT_ID) */
    char *project_domain_name; /* OS_PROJECT_DOMAIN_NAME */
    char *project_domain_id;   /* OS_PROJECT_DOMAIN_ID */
    char *region_name;         /* OS_REGION_NAME: honoured */
    char *interface;       /* OS_INTERFACE: public (default), internal, admin */
    char *cacert;          /* OS_CACERT: CA bundle path */
    bool insecure;         /* OS_INSECURE / --insecure: no TLS verification */
    char *app_cred_id;     /* OS_APPLICATION_CREDENTIAL_ID */
    char *app_cred_name;   /* OS_APPLICATION_CREDENTIAL_NAME */
    char *app_cred_secret; /* OS_APPLICATION_CREDENTIAL_SECRET: secret */
    char *auth_type; /* OS_AUTH_TYPE: password, v3applicationcredential, token
                      */
    char *token;     /* OS_TOKEN: secret */
};

void vmtp_os_creds_init(struct vmtp_os_creds *c);
void vmtp_os_creds_release(struct vmtp_os_creds *c); /* wipes secrets */

#endif
