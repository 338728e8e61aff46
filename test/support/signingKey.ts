/**
 * The audit trail's signing key in tests (a test-only key, published here on purpose): the
 * migrated template is signed with it, so every test process must use the same one.
 */
export const TEST_AUDIT_SIGNING_KEY = 'MC4CAQAwBQYDK2VwBCIEICPUifIkkIhMdGU/OAuFKZtghnNkm/oZgR8fWlGxtBi2';
