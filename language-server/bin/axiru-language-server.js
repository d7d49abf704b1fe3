#!/usr/bin/env node
// `npx axiru-language-server --stdio`
import '../dist/main.js';
