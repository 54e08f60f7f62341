/* \summary: storing a results document in MongoDB (--mongod-server) */
#ifndef VMTP_LIB_STORE_MONGO_H
#define VMTP_LIB_STORE_MONGO_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "log.h"

#define VMTP_MONGO_DEFAULT_PORT       27017
#define VMTP_MONGO_DEFAULT_DB         "client_db"     /* config vmtp_db */
#define VMTP_MONGO_DEFAULT_COLLECTION "pns_web_entry" /* vmtp_collection */
#define VMTP_MONGO_DEFAULT_TIMEOUT_MS 10000
#define VMTP_MONGO_MAX_DOC_BYTES      ((size_t)16 * 1024 * 1024) /* BSON limit */

/*
 * The contract with the caller (the run code):
 *
 *   1. Write the results JSON file FIRST (when one was asked for), then
 *      call vmtp_store_mongo(). A store that fails never loses results:
 *      report the error (exit status 1 in the CLI, as a failed step) and
 *      say where the JSON file is.
 *   2. Every failure is bounded in time by timeout_ms: it is used as
 *      serverSelectionTimeoutMS, connectTimeoutMS and socketTimeoutMS, so
 *      an unreachable, silent or slow server fails within a small multiple
 *      of timeout_ms (the driver's own retry rules decide the multiple;
 *      with one try per server it stays under about 3 * timeout_ms).
 *   3. The document is inserted as it is; the server (or the driver) adds
 *      `_id`, which is therefore not in the JSON file (as in the original).
 *
 * Built only with libmongoc (meson -Dmongo=enabled|auto). Without it these
 * functions exist and fail with VMTP_E_INVAL "built without MongoDB".
 */

/* True when this build can talk to MongoDB. */
bool vmtp_store_mongo_available(void);

/*
 * Parse --mongod-server: "HOST", "HOST:PORT" or "[IPv6]:PORT". Without a
 * port, *port = default_port (the config key vmtp_mongod_port, itself
 * 27017 by default; pass VMTP_MONGO_DEFAULT_PORT when there is none).
 * HOST is a name or address of letters, digits, '.', '-', '_' (and ':'
 * inside brackets). Errors: VMTP_E_INVAL naming the value.
 */
enum vmtp_status vmtp_mongo_parse_server(const char *arg,
                                         int default_port,
                                         char *host,
                                         size_t hostlen,
                                         int *port,
                                         struct vmtp_error *err);

/*
 * Insert the results document `json_text` (a JSON object, NUL-terminated,
 * at most VMTP_MONGO_MAX_DOC_BYTES) as one document into db.collection on
 * host:port. db and collection NULL or "" take the defaults above;
 * timeout_ms <= 0 takes VMTP_MONGO_DEFAULT_TIMEOUT_MS.
 * Logs "saving results to MongoDB ..." at INFO through lg (NULL allowed);
 * the driver's own log lines go to lg at DEBUG while this call runs.
 * Errors: VMTP_E_INVAL (bad arguments, built without MongoDB),
 * VMTP_E_PARSE (not a JSON object), VMTP_E_CONNECT (server unreachable or
 * not answering: "cannot reach MongoDB at H:P: ..."), VMTP_E_TIMEOUT (the
 * server stopped answering during the write), VMTP_E_STORE (the server
 * refused the write). Thread-safe: each call has its own client.
 */
enum vmtp_status vmtp_store_mongo(const struct vmtp_logger *lg,
                                  const char *host,
                                  int port,
                                  const char *db,
                                  const char *collection,
                                  const char *json_text,
                                  int timeout_ms,
                                  struct vmtp_error *err);

/*
 * Read back the documents of db.collection that match `filter_json` (a
 * JSON object; NULL or "" means all), at most max_docs of them, as one
 * JSON array in MongoDB relaxed extended JSON (so `_id` appears as
 * {"$oid": "..."}). *out is owned by the caller: free with free().
 * Same arguments, defaults and errors as vmtp_store_mongo().
 */
enum vmtp_status vmtp_mongo_find_json(const struct vmtp_logger *lg,
                                      const char *host,
                                      int port,
                                      const char *db,
                                      const char *collection,
                                      const char *filter_json,
                                      size_t max_docs,
                                      int timeout_ms,
                                      char **out,
                                      struct vmtp_error *err);

#endif
