import { Platform } from '../platform';
import { CERT_MANAGER_GROUP } from '../core/tls';
import { Certificate } from '../components/tls/certificate';
import { CertManager } from '../components/tls/cert-manager';

/** The name of the ClusterIssuer a test platform stands in. */
export const STAND_IN_ISSUER = 'letsencrypt';

/**
 * Gives a test platform that has routes but no issuer (`Platform.useIssuer`) a stand-in: an existing
 * ClusterIssuer "letsencrypt", with cert-manager's CRDs assumed installed, so that its routes' Certificates
 * are planned as on a real platform. A platform with an issuer, or without a Certificate, is left alone.
 */
export function standInIssuer(platform: Platform): void {
  if (platform.issuer !== undefined || !platform.node.findAll().some((c) => c instanceof Certificate)) return;
  platform.assumeInstalled({ crdGroups: [CERT_MANAGER_GROUP] });
  platform.useIssuer(CertManager.existingIssuer(platform, { name: STAND_IN_ISSUER }));
}
