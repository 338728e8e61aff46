// Every test process runs in UTC so that no code can lean on the machine's zone by accident;
// the organisation's zone is always passed explicitly.
process.env.TZ = 'UTC';
process.env.NODE_ENV = 'test';
