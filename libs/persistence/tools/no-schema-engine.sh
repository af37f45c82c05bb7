#!/bin/sh
echo "The native Prisma schema engine is not installed here; use the project's migrate commands: npm run db:migrate / npm run db:migration -- --name <name>" >&2
exit 1
