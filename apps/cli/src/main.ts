import { doctor, ROLES, type Role } from './doctor.ts';

const USAGE = `usage: sendcode <role>

  gateway   the HTTP API (PORT, default 8080)
  workers   the delivery workers (metrics on WORKERS_METRICS_PORT, default 9464)
  sandbox   the provider sandbox: an SMTP sink and Twilio- and Vonage-compatible APIs, for demos
  doctor    checks the configuration and the Redis it points at, and says what is wrong;
            \`sendcode doctor gateway\` (or workers) checks one role's settings only

Each role reads its settings from the environment (README "Configuration").`;

const role = process.argv[2];
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
    const only = process.argv[3];
    if (only !== undefined && !(only in ROLES)) {
      console.error(`sendcode doctor: unknown role "${only}" (gateway or workers)`);
      process.exitCode = 2;
      break;
    }
    const roles = only === undefined ? undefined : [only as Role];
    process.exitCode = await doctor(process.env, (line) => console.log(line), roles);
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
