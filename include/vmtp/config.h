/* \summary: libvmtp configuration: defaults, YAML files, single keys, dump */
#ifndef VMTP_CONFIG_H
#define VMTP_CONFIG_H

#include <vmtp/vmtp.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The packaged default configuration (the original's cfg.default.yaml keys
 * and values, adapted where documented), as YAML text. Static string.
 */
VMTP_API const char *vmtp_config_default_yaml(void);

/*
 * Merge the YAML file at `path` over the context's configuration
 * (mappings merge key by key, everything else replaces). An unreadable
 * file, malformed YAML, an unknown key or a value of the wrong type fails
 * with VMTP_E_INVAL or VMTP_E_PARSE and an error naming the file, line and
 * key; the configuration is then left unchanged.
 */
VMTP_API enum vmtp_status vmtp_config_load_file(struct vmtp_ctx *ctx,
                                                const char *path);

/* The same for YAML text already in memory; `origin` names it in errors. */
VMTP_API enum vmtp_status vmtp_config_load_yaml(struct vmtp_ctx *ctx,
                                                const char *text,
                                                size_t len,
                                                const char *origin);

/*
 * Set one key from its text form, as the command line does: "time" "20",
 * "tcp_pkt_sizes" "65536,8192", "flavor.ram" "1024", "hypervisors"
 * "nova:host1,host2". The value is validated as a YAML value would be.
 */
VMTP_API enum vmtp_status
vmtp_config_set(struct vmtp_ctx *ctx, const char *key, const char *value);

/*
 * The value of one key in the YAML form of vmtp_config_dump_yaml():
 * "10", "true", "null", "\"nuttcp\"", "[65536]", "[]", with passwords left
 * out of access strings. Returns NULL for an unknown key (error set on
 * ctx) or when out of memory. Free with free().
 */
VMTP_API char *vmtp_config_get(struct vmtp_ctx *ctx, const char *key);

/*
 * Render the effective configuration as YAML that vmtp_config_load_yaml()
 * reads back to the same configuration. Secrets are never included.
 * Returns NULL when out of memory. Free with free().
 */
VMTP_API char *vmtp_config_dump_yaml(const struct vmtp_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif
