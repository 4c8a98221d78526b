import { AsyncLocalStorage, AsyncResource, executionAsyncResource } from 'node:async_hooks';
import { bindWithoutDeprecatedProperty } from './async-resource-bind';

describe('AsyncResource#bind without the deprecated asyncResource property (DEP0172)', () => {
  beforeAll(() => bindWithoutDeprecatedProperty());

  it('binds as before: the function runs in the resource and the context of where it was bound', async () => {
    const storage = new AsyncLocalStorage<string>();
    const resource = new AsyncResource('test');
    const seen = await storage.run('bound here', async () => {
      const bound = AsyncResource.bind((suffix: string) => `${storage.getStore()} ${suffix}`);
      const inResource = resource.bind(() => executionAsyncResource());
      return storage.run('called here', async () => [bound('!'), inResource() === resource]);
    });
    expect(seen).toEqual(['bound here !', true]);
  });

  it('passes `this` and the arguments, keeps the length, adds no asyncResource property', () => {
    const resource = new AsyncResource('test');
    const receiver = { name: 'receiver' };
    const own = resource.bind(function (this: { name: string }, a: number, b: number) {
      return `${this.name} ${a + b}`;
    });
    const withThis = AsyncResource.bind(
      function (this: { name: string }) {
        return this.name;
      },
      'test',
      { name: 'given' },
    );
    expect(own.call(receiver, 1, 2)).toBe('receiver 3');
    expect((withThis as () => string)()).toBe('given');
    expect(own.length).toBe(2);
    expect(Object.prototype.hasOwnProperty.call(own, 'asyncResource')).toBe(false);
  });

  it('refuses what is not a function, as Node does', () => {
    // By name and message: under Jest the bind may have been installed from another test file's realm.
    expect(() => new AsyncResource('test').bind('nope' as never)).toThrow(expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/"fn" argument must be of type function/) }));
  });

  it('installs once: a second call leaves the installed bind as it is', () => {
    const installed = AsyncResource.prototype.bind;
    bindWithoutDeprecatedProperty();
    expect(AsyncResource.prototype.bind).toBe(installed);
  });
});
