#!/usr/bin/env node
'use strict';
// The compiled server lives in out/; this shim gives package managers a stable, committed bin path.
require('../out/server/main.js');
