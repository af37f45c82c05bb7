// The unit tier's time limit per test (jest.config.js): specs beside the code: pure, or on embedded PGlite.
jest.setTimeout(60_000);
