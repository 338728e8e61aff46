import winston from 'winston';

/**
 * JSON-lines logger. Personal data never goes in: callers log ids and codes, and the
 * redaction format below drops any field whose name suggests a secret, as a safety net.
 */
const SECRET_KEY = /pass(word)?|token|secret|authorization|cookie|csrf/i;

const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_KEY.test(key)) info[key] = '[redacted]';
  }
  return info;
});

export const logger = winston.createLogger({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'error' : 'info'),
  format: winston.format.combine(redact(), winston.format.timestamp(), winston.format.json()),
  defaultMeta: { service: 'casebook' },
  transports: [new winston.transports.Console({ silent: process.env.NODE_ENV === 'test' && !process.env.LOG_LEVEL })],
});

export function setLogLevel(level: string): void {
  logger.level = level;
}
