/* \summary: MongoDB storage stubs for builds without libmongoc */
#include "store_mongo.h"
#include "vx_banned.h"

bool
vmtp_store_mongo_available(void)
{
    return false;
}

enum vmtp_status
vmtp_store_mongo(const struct vmtp_logger *lg,
                 const char *host,
                 int port,
                 const char *db,
                 const char *collection,
                 const char *json_text,
                 int timeout_ms,
                 struct vmtp_error *err)
{
    (void)lg;
    (void)host;
    (void)port;
    (void)db;
    (void)collection;
    (void)json_text;
    (void)timeout_ms;
    return vmtp_error_set(err, VMTP_E_INVAL,
                          "this vmtp was built without MongoDB support "
                          "(libmongoc); rebuild with -Dmongo=enabled");
}

enum vmtp_status
vmtp_mongo_find_json(const struct vmtp_logger *lg,
                     const char *host,
                     int port,
                     const char *db,
                     const char *collection,
                     const char *filter_json,
                     size_t max_docs,
                     int timeout_ms,
                     char **out,
                     struct vmtp_error *err)
{
    (void)lg;
    (void)host;
    (void)port;
    (void)db;
    (void)collection;
    (void)filter_json;
    (void)max_docs;
    (void)timeout_ms;
    *out = NULL;
    return vmtp_error_set(err, VMTP_E_INVAL,
                          "this vmtp was built without MongoDB support "
                          "(libmongoc); rebuild with -Dmongo=enabled");
}
