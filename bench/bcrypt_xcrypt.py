#!/usr/bin/env python3
"""bcrypt_xcrypt.py HASH PASSWORD N: median milliseconds of N sequential
verifies with the system's libxcrypt (`crypt_rn`, Openwall's crypt_blowfish),
the third implementation docs/performance.md compares with Agora's (the
`bcrypt` crate) and OpenBSD's C (bcrypt_c.py). Linux only: libcrypt.so.1."""
import ctypes
import statistics
import sys
import time

libcrypt = ctypes.CDLL("libcrypt.so.1")
# char *crypt_rn(const char *phrase, const char *setting, void *data, int size)
libcrypt.crypt_rn.restype = ctypes.c_char_p
libcrypt.crypt_rn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int]
CRYPT_DATA_SIZE = 32768  # sizeof(struct crypt_data) in libxcrypt 4

stored, password, rounds = sys.argv[1].encode(), sys.argv[2].encode(), int(sys.argv[3])
data = ctypes.create_string_buffer(CRYPT_DATA_SIZE)
millis = []
for _ in range(max(rounds, 1)):
    started = time.perf_counter()
    if libcrypt.crypt_rn(password, stored, data, CRYPT_DATA_SIZE) != stored:
        sys.exit("the password does not match the hash")
    millis.append((time.perf_counter() - started) * 1000)
print(f"{statistics.median(millis):.1f}")
