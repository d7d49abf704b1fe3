import type { Command } from 'commander';

// Commands that live in packages above the compiler (`axiru serve`, `axiru keys`, ...)
// are attached at run time when those packages are installed. The compiler never
// imports them statically, so the layering stays runtime <- compiler <- server.
const PLUGINS = ['@axiru/server/cli'];

/** What a plugin's commands write through, and where their exit code goes. */
export interface PluginContext {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly setStatus: (code: number) => void;
}

export interface CliPlugin {
  registerCommands(program: Command, context: PluginContext): void;
}

export async function loadPlugins(program: Command, context: PluginContext): Promise<void> {
  for (const name of PLUGINS) {
    let plugin: CliPlugin;
    try {
      plugin = (await import(name)) as CliPlugin;
    } catch (error) {
      if (isModuleNotFound(error, name)) continue;
      throw error;
    }
    plugin.registerCommands(program, context);
  }
}

function isModuleNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  const packageName = name.split('/').slice(0, 2).join('/');
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') && message.includes(packageName);
}
