/* \summary: OpenStack credentials: lifecycle (readers are added here) */
#include "creds.h"

#include <string.h>

#include "vx_alloc.h"
#include "vx_banned.h"

void
vmtp_os_creds_init(struct vmtp_os_creds *c)
{
    memset(c, 0, sizeof(*c));
    c->identity_api_version = 3;
}

void
vmtp_os_creds_release(struct vmtp_os_creds *c)
{
    char **plain[] = {
            &c->auth_url,          &c->username,
            &c->user_id,           &c->user_domain_name,
            &c->user_domain_id,    &c->project_name,
            &c->project_id,        &c->project_domain_name,
            &c->project_domain_id, &c->region_name,
            &c->interface,         &c->cacert,
            &c->app_cred_id,       &c->app_cred_name,
            &c->auth_type,
    };

    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        VX_FREE(*plain[i]);
    }
    vx_burn_free(c->password);
    vx_burn_free(c->app_cred_secret);
    vx_burn_free(c->token);
    vmtp_os_creds_init(c);
}
