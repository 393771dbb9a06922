/*
 * bcryptprimitives.dll stand-in for Wine 8 (test harness only).
 *
 * Go >= 1.24 gets random bytes on Windows from ProcessPrng in
 * bcryptprimitives.dll, which Wine 8 does not ship, so Go binaries die at
 * start-up with "bcryptprimitives.dll not found". This DLL exports
 * ProcessPrng and forwards to BCryptGenRandom (bcrypt.dll, which Wine has).
 * It is installed into a private Wine prefix by build-processprng.sh and is
 * never part of anything cgoflake generates or ships.
 */
#include <windows.h>
#include <bcrypt.h>

/* BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData); always returns TRUE. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData)
{
    while (cbData > 0) {
        ULONG chunk = cbData > 0x40000000 ? 0x40000000 : (ULONG)cbData;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, pbData, chunk,
                                            BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
            /* Real ProcessPrng cannot fail; neither may this one. */
            ExitProcess(0xC0000001u);
        }
        pbData += chunk;
        cbData -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reason; (void)reserved;
    return TRUE;
}
