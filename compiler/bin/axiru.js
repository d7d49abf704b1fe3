#!/usr/bin/env node
// Prepared entry for `npx axiru`: the CLI is TypeScript compiled to dist/ by `npm ci`
// (the root `prepare` script), so this file only hands over to it.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
