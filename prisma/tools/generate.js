console.log("prisma generate: not wired yet")
