/* Test-only stand-in for Windows 10's bcryptprimitives.dll, which Wine 8 lacks: the Rust
 * standard library imports ProcessPrng from it. Real Windows 10/11 have it; the installer never
 * ships this file. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return BCryptGenRandom(NULL, data, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
