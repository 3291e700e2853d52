#!/usr/bin/env python3
"""bcrypt_c.py HASH PASSWORD N: median milliseconds of N sequential verifies
with Python's bcrypt 3.2.2, OpenBSD's C implementation (what passlib and the
FastAPI original call); bcrypt 4 and later are written in Rust."""
import statistics
import sys
import time

import bcrypt

if not bcrypt.__version__.startswith("3."):
    sys.exit(f"bcrypt {bcrypt.__version__} is not the C implementation: install bcrypt==3.2.2")
stored, password, rounds = sys.argv[1].encode(), sys.argv[2].encode(), int(sys.argv[3])
millis = []
for _ in range(max(rounds, 1)):
    started = time.perf_counter()
    if not bcrypt.checkpw(password, stored):
        sys.exit("the password does not match the hash")
    millis.append((time.perf_counter() - started) * 1000)
print(f"{statistics.median(millis):.1f}")
