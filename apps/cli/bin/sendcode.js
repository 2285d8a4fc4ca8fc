#!/usr/bin/env node
// The built command (npm run build first): sendcode gateway | workers | sandbox | doctor | healthcheck.
import '../dist/main.js';
