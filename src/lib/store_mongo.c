/* \summary: MongoDB storage through libmongoc (the only mongoc includer) */
#include "store_mongo.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libbson's inline atomics cast away const: not our code to fix. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#include <mongoc/mongoc.h>
#pragma GCC diagnostic pop

#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_buf.h"
#include "vx_str.h"

#define MONGO_MAX_FIND_BYTES ((size_t)64 * 1024 * 1024)

/*
 * libmongoc logs through one process-wide handler that prints to stderr
 * by default, and the library never prints. We install, once, a handler
 * that forwards driver messages to the logger of the vmtp call running
 * on the same thread (a single-threaded mongoc client logs on its
 * caller's thread), and drops them otherwise.
 */
static _Thread_local const struct vmtp_logger *tls_logger;
static pthread_once_t mongo_once = PTHREAD_ONCE_INIT;

static void
mongo_log(mongoc_log_level_t level,
          const char *domain,
          const char *message,
          void *ud)
{
    (void)ud;
    (void)level;
    VLOG(tls_logger, VMTP_LOG_DEBUG, "mongoc %s: %s", domain, message);
}

static void
mongo_global_init(void)
{
    mongoc_init();
    mongoc_log_set_handler(mongo_log, NULL);
}

bool
vmtp_store_mongo_available(void)
{
    return true;
}

static bool
name_ok(const char *s, size_t maxlen, const char *forbidden)
{
    size_t n = strlen(s);

    return n > 0 && n <= maxlen && strpbrk(s, forbidden) == NULL;
}

/* One client per call, configured for bounded failure. Caller frees. */
static enum vmtp_status
client_open(const char *host,
            int port,
            int timeout_ms,
            mongoc_client_t **out,
            struct vmtp_error *err)
{
    char uristr[512];
    mongoc_uri_t *uri = NULL;
    mongoc_client_t *client = NULL;
    bson_error_t berr;
    bool v6 = strchr(host, ':') != NULL;
    int n;
    enum vmtp_status rc = VMTP_OK;

    n = snprintf(uristr, sizeof(uristr), "mongodb://%s%s%s:%d/", v6 ? "[" : "",
                 host, v6 ? "]" : "", port);
    if (n < 0 || (size_t)n >= sizeof(uristr)) {
        return vmtp_error_set(err, VMTP_E_INVAL, "MongoDB host name too long");
    }
    uri = mongoc_uri_new_with_error(uristr, &berr);
    if (uri == NULL) {
        rc = vmtp_error_set(err, VMTP_E_INVAL, "bad MongoDB address '%s': %s",
                            host, berr.message);
        goto out;
    }
    if (!mongoc_uri_set_option_as_int32(
                uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, timeout_ms) ||
        !mongoc_uri_set_option_as_int32(uri, MONGOC_URI_CONNECTTIMEOUTMS,
                                        timeout_ms) ||
        !mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SOCKETTIMEOUTMS,
                                        timeout_ms) ||
        !mongoc_uri_set_option_as_bool(uri, MONGOC_URI_SERVERSELECTIONTRYONCE,
                                       true) ||
        !mongoc_uri_set_option_as_bool(uri, MONGOC_URI_DIRECTCONNECTION,
                                       true) ||
        !mongoc_uri_set_option_as_bool(uri, MONGOC_URI_RETRYWRITES, false) ||
        !mongoc_uri_set_appname(uri, "vmtp")) {
        rc = vmtp_error_set(err, VMTP_E_INTERNAL,
                            "cannot set MongoDB client options");
        goto out;
    }
    client = mongoc_client_new_from_uri(uri);
    if (client == NULL) {
        rc = vmtp_error_set(err, VMTP_E_INVAL,
                            "cannot create a MongoDB client for %s", uristr);
        goto out;
    }
    (void)mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
    *out = client;
out:
    mongoc_uri_destroy(uri);
    return rc;
}

/* Map a driver error to our codes, with the server named in the message. */
static enum vmtp_status
mongo_fail(struct vmtp_error *err,
           const char *what,
           const char *host,
           int port,
           const bson_error_t *berr)
{
    bool v6 = strchr(host, ':') != NULL;
    const char *lb = v6 ? "[" : "";
    const char *rb = v6 ? "]" : "";

    if (berr->domain == MONGOC_ERROR_SERVER_SELECTION) {
        return vmtp_error_set(err, VMTP_E_CONNECT,
                              "cannot reach MongoDB at %s%s%s:%d: %s", lb, host,
                              rb, port, berr->message);
    }
    if (berr->domain == MONGOC_ERROR_STREAM) {
        bool timed_out = berr->code == MONGOC_ERROR_STREAM_SOCKET &&
                         strstr(berr->message, "timed out") != NULL;

        return vmtp_error_set(err, timed_out ? VMTP_E_TIMEOUT : VMTP_E_CONNECT,
                              "MongoDB at %s%s%s:%d: %s failed: %s", lb, host,
                              rb, port, what, berr->message);
    }
    return vmtp_error_set(err, VMTP_E_STORE,
                          "MongoDB at %s%s%s:%d refused the %s: %s "
                          "(code %u)",
                          lb, host, rb, port, what, berr->message, berr->code);
}

/* Shared argument checks; fills in the defaults. */
static enum vmtp_status
check_args(const char *host,
           int port,
           const char **db,
           const char **collection,
           int *timeout_ms,
           struct vmtp_error *err)
{
    if (host == NULL || !name_ok(host, 255, "/?#@[] \t\r\n")) {
        return vmtp_error_set(err, VMTP_E_INVAL, "bad MongoDB host '%s'",
                              host != NULL ? host : "");
    }
    if (port < 1 || port > 65535) {
        return vmtp_error_set(err, VMTP_E_INVAL, "bad MongoDB port %d", port);
    }
    if (*db == NULL || **db == '\0') {
        *db = VMTP_MONGO_DEFAULT_DB;
    }
    if (*collection == NULL || **collection == '\0') {
        *collection = VMTP_MONGO_DEFAULT_COLLECTION;
    }
    /* MongoDB's own rules for names (Linux servers). */
    if (!name_ok(*db, 63, "/\\. \"$")) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "bad MongoDB database name '%s' (vmtp_db)", *db);
    }
    if (!name_ok(*collection, 200, "$") ||
        vx_startswith(*collection, "system.")) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "bad MongoDB collection name '%s' "
                              "(vmtp_collection)",
                              *collection);
    }
    if (*timeout_ms <= 0) {
        *timeout_ms = VMTP_MONGO_DEFAULT_TIMEOUT_MS;
    }
    (void)pthread_once(&mongo_once, mongo_global_init);
    return VMTP_OK;
}

static enum vmtp_status
json_to_bson(const char *json,
             const char *what,
             bson_t **out,
             struct vmtp_error *err)
{
    bson_error_t berr;
    size_t len = strlen(json);
    size_t lead = strspn(json, " \t\r\n");

    /* libbson would take a JSON array as a document keyed "0", "1", ... */
    if (json[lead] != '{') {
        return vmtp_error_set(err, VMTP_E_PARSE, "%s is not a JSON object",
                              what);
    }
    if (len > VMTP_MONGO_MAX_DOC_BYTES) {
        return vmtp_error_set(
                err, VMTP_E_INVAL,
                "%s of %zu bytes is over the MongoDB limit of %zu", what, len,
                VMTP_MONGO_MAX_DOC_BYTES);
    }
    *out = bson_new_from_json((const uint8_t *)json, (ssize_t)len, &berr);
    if (*out == NULL) {
        return vmtp_error_set(err, VMTP_E_PARSE, "%s is not a JSON object: %s",
                              what, berr.message);
    }
    return VMTP_OK;
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
    mongoc_client_t *client = NULL;
    mongoc_collection_t *coll = NULL;
    bson_t *doc = NULL;
    bson_t *opts = NULL;
    bson_t reply = BSON_INITIALIZER;
    bson_error_t berr;
    const struct vmtp_logger *saved = tls_logger;
    enum vmtp_status rc;

    rc = check_args(host, port, &db, &collection, &timeout_ms, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    if (json_text == NULL) {
        rc = vmtp_error_set(err, VMTP_E_INVAL, "no results document to store");
        goto out;
    }
    rc = json_to_bson(json_text, "results document", &doc, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    tls_logger = lg;
    VLOG(lg, VMTP_LOG_INFO, "saving results to MongoDB %s:%d, %s.%s", host,
         port, db, collection);
    rc = client_open(host, port, timeout_ms, &client, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    coll = mongoc_client_get_collection(client, db, collection);
    /*
     * Keys are stored as they are: results carry host addresses as keys
     * (cpu_load: {"198.18.0.11": [...]}), which MongoDB 3.6+ accepts but the
     * driver's default insert validation (no '.' in keys) would refuse.
     */
    opts = BCON_NEW("validate", BCON_BOOL(false));
    if (opts == NULL ||
        !mongoc_collection_insert_one(coll, doc, opts, &reply, &berr)) {
        rc = opts == NULL ? vmtp_error_set(err, VMTP_E_NOMEM, "out of memory")
                          : mongo_fail(err, "insert", host, port, &berr);
        goto out;
    }
    VLOG(lg, VMTP_LOG_DEBUG, "results stored in MongoDB %s.%s", db, collection);
out:
    tls_logger = saved;
    bson_destroy(&reply);
    bson_destroy(opts);
    bson_destroy(doc);
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(client);
    return rc;
}

static enum vmtp_status
append_doc(struct vx_buf *buf, const bson_t *doc, struct vmtp_error *err)
{
    size_t len = 0;
    char *s = bson_as_relaxed_extended_json(doc, &len);
    int r;

    if (s == NULL) {
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "cannot render a MongoDB document as JSON");
    }
    r = vx_buf_add(buf, vx_buf_len(buf) > 1 ? ", " : "",
                   vx_buf_len(buf) > 1 ? 2 : 0);
    if (r == 0) {
        r = vx_buf_add(buf, s, len);
    }
    bson_free(s);
    if (r != 0) {
        return vmtp_error_set(
                err, VMTP_E_NOMEM,
                "MongoDB documents over %zu bytes or out of memory",
                MONGO_MAX_FIND_BYTES);
    }
    return VMTP_OK;
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
    mongoc_client_t *client = NULL;
    mongoc_collection_t *coll = NULL;
    mongoc_cursor_t *cur = NULL;
    bson_t *filter = NULL;
    const bson_t *doc;
    bson_error_t berr;
    struct vx_buf buf;
    size_t n = 0;
    const struct vmtp_logger *saved = tls_logger;
    enum vmtp_status rc;

    vx_buf_init(&buf, MONGO_MAX_FIND_BYTES);
    *out = NULL;
    rc = check_args(host, port, &db, &collection, &timeout_ms, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    rc = json_to_bson(filter_json != NULL && *filter_json != '\0' ? filter_json
                                                                  : "{}",
                      "MongoDB filter", &filter, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    tls_logger = lg;
    rc = client_open(host, port, timeout_ms, &client, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    coll = mongoc_client_get_collection(client, db, collection);
    cur = mongoc_collection_find_with_opts(coll, filter, NULL, NULL);
    if (vx_buf_add(&buf, "[", 1) != 0) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    while (n < max_docs && mongoc_cursor_next(cur, &doc)) {
        rc = append_doc(&buf, doc, err);
        if (rc != VMTP_OK) {
            goto out;
        }
        n++;
    }
    if (mongoc_cursor_error(cur, &berr)) {
        rc = mongo_fail(err, "find", host, port, &berr);
        goto out;
    }
    if (vx_buf_add(&buf, "]", 1) != 0) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    *out = vx_buf_take(&buf);
    if (*out == NULL) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
out:
    tls_logger = saved;
    vx_buf_release(&buf);
    mongoc_cursor_destroy(cur);
    bson_destroy(filter);
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(client);
    return rc;
}
