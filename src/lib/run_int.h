/* \summary: run.c's flow machinery shared with the cloud run (cloud_run.c) */
#ifndef VMTP_LIB_RUN_INT_H
#define VMTP_LIB_RUN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <vmtp/vmtp.h>

#include "exec.h"
#include "measure.h"
#include "vx_parse.h"

#define RUN_MAX_SIZES 32

/* One host reached over SSH, with the throughput tool deployed on it. */
struct run_host {
    struct vx_access acc;
    struct vmtp_executor *ex;
    char tool_bin[512];      /* the tool's path on this host */
    char tool_ver[64];       /* "nuttcp-6.1.2" as probed there */
    char distro_id[64];      /* os-release ID ("ubuntu"), "" until probed */
    char distro_version[64]; /* os-release VERSION_ID ("22.04") */
};

/* What every flow measures, converted once from the configuration. */
struct run_plan {
    struct vmtp_measure_settings s;
    const char *tool_name;
    long tcp[RUN_MAX_SIZES];
    long udp[RUN_MAX_SIZES];
    long icmp[RUN_MAX_SIZES];
};

/*
 * Make the tool runnable on h (its own binary, else an uploaded copy of
 * ours) and record its path and version in h, and h's distribution (the
 * flows' distro_id and distro_version). Errors on ctx.
 */
enum vmtp_status vmtp_run_deploy_tool(struct vmtp_ctx *ctx,
                                      struct run_host *h,
                                      const char *tool);

/*
 * Measure one flow from cli toward server_addr on srv and append it to
 * the results (ip_from = cli->acc.host). A failed measurement is recorded
 * in the flow and sets *failed; only cancellation and out-of-memory
 * return an error. Not thread-safe.
 */
enum vmtp_status vmtp_run_flow(struct vmtp_ctx *ctx,
                               const struct run_plan *p,
                               struct run_host *srv,
                               const char *server_addr,
                               struct run_host *cli,
                               const char *desc,
                               bool bidirectional,
                               bool *failed);

/* Stop what vmtp started on h, close the session, wipe the access. */
void vmtp_run_disconnect(struct run_host *h);

/*
 * --no-dhcp (vmtp-behaviour.md §4.11, with §14.27 fixed): the static
 * address file injected into a VM for its port's address ip on subnet
 * cidr (IPv4) with gateway gw (or NULL) and the DNS servers: Debian's
 * /etc/network/interfaces, or RHEL's ifcfg-eth0 when rhel (ONBOOT=yes).
 * Owned text, or NULL for a bad address or CIDR, or out of memory.
 */
char *vmtp_cloud_static_net_file(const char *ip,
                                 const char *cidr,
                                 const char *gw,
                                 const char *const *dns,
                                 size_t ndns,
                                 bool rhel);

/*
 * The cloud run (cloud_run.c): build the topology, boot the VMs, measure
 * the six VM flows (and External-VM), tear everything down. Every
 * resource goes through the cleanup ledger of the run. *failed is set
 * when a flow failed. Errors on ctx; VMTP_E_CANCELLED after a signal (the
 * cloud is then cleaned up too).
 */
enum vmtp_status
vmtp_cloud_run(struct vmtp_ctx *ctx, const struct run_plan *p, bool *failed);

#endif
