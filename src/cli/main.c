/* \summary: vmtp: the command-line program (thin main over libvmtp) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmtp/vmtp.h>

int
main(int argc, char **argv)
{
    if (argc == 2 &&
        (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
        (void)printf("%s\n", vmtp_version());
        return 0;
    }
    (void)fprintf(stderr, "vmtp: the command line is not built yet\n");
    return 2;
}
