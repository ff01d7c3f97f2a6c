import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * JSON logs, on stdout unless a destination is given. Secrets do not reach them because nothing logs
 * request bodies, headers or credentials; the redaction paths are the second wall, for fields that carry a
 * secret by name.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'switchyard' },
    redact: {
      paths: [
        '*.authorization',
        '*.secret',
        '*.token',
        '*.key',
        '*.password',
        '*.credentials',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
