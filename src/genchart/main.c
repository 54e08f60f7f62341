/* \summary: vmtp_genchart: HTML charts from vmtp results files */
#include <stdio.h>
#include <string.h>

#include <vmtp/vmtp.h>

int
main(int argc, char **argv)
{
    if (argc == 2 &&
        (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
        (void)printf("vmtp_genchart %s\n", vmtp_version());
        return 0;
    }
    (void)fprintf(stderr, "vmtp_genchart: not built yet\n");
    return 2;
}
