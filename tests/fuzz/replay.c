/* \summary: replays a fuzz corpus through LLVMFuzzerTestOneInput (no libFuzzer)
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long len;
    int rc = -1;

    if (f == NULL) {
        perror(path);
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        goto out;
    }
    buf = malloc((size_t)len + 1);
    if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        goto out;
    }
    (void)LLVMFuzzerTestOneInput(buf, (size_t)len);
    rc = 0;
out:
    free(buf);
    (void)fclose(f);
    return rc;
}

int
main(int argc, char **argv)
{
    int n = 0;

    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        struct dirent *e;

        if (d == NULL) {
            if (replay_file(argv[i]) != 0) {
                return 1;
            }
            n++;
            continue;
        }
        while ((e = readdir(d)) != NULL) {
            char path[4096];
            struct stat st;

            if (e->d_name[0] == '.') {
                continue;
            }
            (void)snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
                continue;
            }
            if (replay_file(path) != 0) {
                (void)closedir(d);
                return 1;
            }
            n++;
        }
        (void)closedir(d);
    }
    (void)printf("replayed %d inputs\n", n);
    return n > 0 ? 0 : 1;
}
