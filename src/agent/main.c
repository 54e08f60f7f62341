/* \summary: vmtp-agent: the measurement agent copied onto test hosts */
#include <stdio.h>
#include <string.h>

#include "build_config.h"

int
main(int argc, char **argv)
{
    if (argc == 2 &&
        (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
        (void)printf("vmtp-agent %s\n", VMTP_VERSION);
        return 0;
    }
    (void)fprintf(stderr, "vmtp-agent: not built yet\n");
    return 2;
}
