// A module resolve hook (node --import) that makes the drivers named in HIDE_DRIVERS unresolvable,
// as on a machine where they are not installed.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    const hidden = new Set((process.env.HIDE_DRIVERS ?? '').split(',').filter(Boolean));
    export async function resolve(specifier, context, next) {
      if (hidden.has(specifier)) {
        const error = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL);
        error.code = 'ERR_MODULE_NOT_FOUND';
        throw error;
      }
      return next(specifier, context);
    }
  `)}`,
);
