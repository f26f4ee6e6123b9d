// The npm aliases the contract suite mounts on (package.json devDependencies) carry no types of
// their own; they are the same packages as `express` and `koa`, so they borrow those.
declare module 'express4' {
  import express = require('express');
  export = express;
}
declare module 'express5' {
  import express = require('express');
  export = express;
}
declare module 'koa2' {
  import Koa = require('koa');
  export = Koa;
}
declare module 'koa3' {
  import Koa = require('koa');
  export = Koa;
}
