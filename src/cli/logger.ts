import pino, { type Logger } from 'pino';

/** JSON logs on stdout; secrets never reach them because nothing logs request bodies or headers. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'switchyard' },
    redact: {
      paths: ['*.authorization', '*.secret', '*.token', '*.key', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
