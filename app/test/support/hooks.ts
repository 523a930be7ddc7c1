// Root hooks: stop the shared servers once, after every suite has run.
import { stopStack } from './stack';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopStack();
  },
};
