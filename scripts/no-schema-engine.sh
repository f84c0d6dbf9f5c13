#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on this machine.
# `prisma generate` only checks that this file exists; anything that really runs it fails loudly.
echo "prisma schema engine is not available in this environment (offline); Vellum applies migrations itself (npm run migrate)" >&2
exit 1
