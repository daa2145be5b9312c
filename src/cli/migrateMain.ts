import { migrate } from './migrate.js';

migrate(process.argv.slice(2), (text) => console.log(text), (text) => console.error(text)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
