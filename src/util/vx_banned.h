/* \summary: functions banned from vmtp code (git's banned.h idea) */
#ifndef VX_BANNED_H
#define VX_BANNED_H

/*
 * Include this last. A banned call then fails to compile with an error
 * that names the function. Library code (src/lib, src/core) also defines
 * VX_BAN_PROCESS_CONTROL to ban exit, abort, getenv and printf.
 */
#define VX_BANNED(func) sorry_##func##_is_banned_in_vmtp

#undef strcpy
#define strcpy(x, y) VX_BANNED(strcpy)
#undef strcat
#define strcat(x, y) VX_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) VX_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) VX_BANNED(strncat)
#undef sprintf
#define sprintf(...) VX_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) VX_BANNED(vsprintf)
#undef gets
#define gets(x) VX_BANNED(gets)
#undef atoi
#define atoi(x) VX_BANNED(atoi)
#undef atol
#define atol(x) VX_BANNED(atol)
#undef atof
#define atof(x) VX_BANNED(atof)
#undef strtok
#define strtok(x, y) VX_BANNED(strtok)
#undef gmtime
#define gmtime(x) VX_BANNED(gmtime)
#undef localtime
#define localtime(x) VX_BANNED(localtime)
#undef ctime
#define ctime(x) VX_BANNED(ctime)
#undef asctime
#define asctime(x) VX_BANNED(asctime)
#undef rand
#define rand() VX_BANNED(rand)
#undef srand
#define srand(x) VX_BANNED(srand)
#undef system
#define system(x) VX_BANNED(system)
#undef mktemp
#define mktemp(x) VX_BANNED(mktemp)
#undef tmpnam
#define tmpnam(x) VX_BANNED(tmpnam)

#ifdef VX_BAN_PROCESS_CONTROL
#undef exit
#define exit(x) VX_BANNED(exit)
#undef abort
#define abort() VX_BANNED(abort)
#undef getenv
#define getenv(x) VX_BANNED(getenv)
#undef printf
#define printf(...) VX_BANNED(printf)
#undef strerror
#define strerror(x) VX_BANNED(strerror)
#endif

#endif
