const USAGE = `usage: sendcode <role>

  gateway      the HTTP API (PORT, default 8080)
  workers      the delivery workers (metrics on WORKERS_METRICS_PORT, default 9464)
  sandbox      the provider sandbox: an SMTP sink and Twilio- and Vonage-compatible APIs, for demos
  doctor       checks the configuration and the Redis it points at, and says what is wrong;
               \`sendcode doctor gateway\` (or workers) checks one role's settings only
  healthcheck  exits 0 when the role running beside it answers /healthz with 200 (the image's
               HEALTHCHECK); \`sendcode healthcheck workers\` asks that role only

Each role reads its settings from the environment (README "Configuration").`;

// Every role is imported only when asked for: the healthcheck runs every few seconds and must not
// load the apps, nor the doctor all of them.
const role = process.argv[2];
const arg = process.argv[3];
switch (role) {
  case 'gateway':
    await import('@sendcode/gateway/main');
    break;
  case 'workers':
    await import('@sendcode/workers/main');
    break;
  case 'sandbox':
    await import('@sendcode/sandbox/main');
    break;
  case 'doctor': {
    const { doctor, ROLES } = await import('./doctor.ts');
    if (arg !== undefined && !(arg in ROLES)) {
      console.error(`sendcode doctor: unknown role "${arg}" (gateway or workers)`);
      process.exitCode = 2;
      break;
    }
    const roles = arg === undefined ? undefined : [arg as keyof typeof ROLES];
    process.exitCode = await doctor(process.env, (line) => console.log(line), roles);
    break;
  }
  case 'healthcheck': {
    const { HEALTH_ROLES, healthcheck } = await import('./healthcheck.ts');
    const only = HEALTH_ROLES.find((name) => name === arg);
    if (arg !== undefined && only === undefined) {
      console.error(`sendcode healthcheck: unknown role "${arg}" (${HEALTH_ROLES.join(', ')})`);
      process.exitCode = 2;
      break;
    }
    const { ok, message } = await healthcheck(process.env, only === undefined ? undefined : [only]);
    console.log(`${ok ? 'healthy' : 'unhealthy'}: ${message}`);
    process.exitCode = ok ? 0 : 1;
    break;
  }
  case undefined:
  case 'help':
  case '--help':
    console.log(USAGE);
    break;
  default:
    console.error(`sendcode: unknown role "${role}"\n\n${USAGE}`);
    process.exitCode = 2;
}
