#!/usr/bin/env node
// The `contactsync` command: the compiled CLI (built by `npm install` through the prepare script).
import '../dist/cli/main.js';
