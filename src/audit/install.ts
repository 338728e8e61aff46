import { ConfigError, type Config } from '../config';
import { AuditKeyError, loadKeyring, setAuditKeyring } from './keys';
import { setWitnessFile, setWitnessMail } from './witness';

/** Installs the configured signing key and witness file for this process (server and CLI start). */
export function installAuditKeys(
  config: Pick<Config, 'auditSigningKey' | 'auditTrustedKeys' | 'auditWitnessFile' | 'auditWitnessEmail' | 'dataDir' | 'env'>,
): void {
  try {
    setAuditKeyring(
      loadKeyring({ signingKey: config.auditSigningKey, trustedKeys: config.auditTrustedKeys, dataDir: config.dataDir, production: config.env === 'production' }),
    );
  } catch (err) {
    if (err instanceof AuditKeyError) throw new ConfigError(`Invalid configuration:\n  ${err.message}`);
    throw err;
  }
  setWitnessFile(config.auditWitnessFile);
  setWitnessMail(config.auditWitnessEmail);
}
