/* \summary: OpenStack credentials: the data the Keystone client consumes */
#ifndef VMTP_LIB_CREDS_H
#define VMTP_LIB_CREDS_H

#include <stdbool.h>
#include <stddef.h>

#include <vmtp/vmtp.h>

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
    char *auth_type;   /* OS_AUTH_TYPE: password, v3applicationcredential, token
                        */
    char *token;       /* OS_TOKEN: secret */
    bool tenant_given; /* OS_TENANT_NAME/ID seen (Keystone v2 hint) */
};

void vmtp_os_creds_init(struct vmtp_os_creds *c);
void vmtp_os_creds_release(struct vmtp_os_creds *c); /* wipes secrets */

struct vmtp_logger;

/*
 * Set one variable by its name without "OS_" ("AUTH_URL", "PASSWORD").
 * Unknown names are ignored (returns VMTP_OK). A NULL value unsets.
 */
enum vmtp_status vmtp_os_creds_set(struct vmtp_os_creds *c,
                                   const char *name,
                                   const char *value,
                                   struct vmtp_error *err);

/*
 * Parse openrc text (see vmtp_creds_load_openrc()) into *c. `origin`
 * names the file in messages; skipped lines are logged through lg (NULL
 * allowed) without their values. Never runs anything.
 */
enum vmtp_status vmtp_os_creds_parse_openrc(struct vmtp_os_creds *c,
                                            const char *text,
                                            size_t len,
                                            const char *origin,
                                            const struct vmtp_logger *lg,
                                            struct vmtp_error *err);

/* Parse clouds.yaml text and take cloud `cloud` into *c. */
enum vmtp_status vmtp_os_creds_parse_clouds(struct vmtp_os_creds *c,
                                            const char *text,
                                            size_t len,
                                            const char *cloud,
                                            const char *origin,
                                            struct vmtp_error *err);

/*
 * Parse secure.yaml text (openstacksdk's file for the secrets, same
 * layout as clouds.yaml) and lay cloud `cloud`'s keys over *c; a file
 * without that cloud changes nothing.
 */
enum vmtp_status vmtp_os_creds_parse_secure(struct vmtp_os_creds *c,
                                            const char *text,
                                            size_t len,
                                            const char *cloud,
                                            const char *origin,
                                            struct vmtp_error *err);

/* Refuse Keystone v2 credentials with a clear message (VMTP_E_INVAL). */
enum vmtp_status vmtp_os_creds_check_v3(const struct vmtp_os_creds *c,
                                        const char *origin,
                                        struct vmtp_error *err);

#endif
