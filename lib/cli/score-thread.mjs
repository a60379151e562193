// A thread's first file is loaded as JavaScript: the TypeScript behind it is compiled as it loads,
// as `npm run tiermark` compiles the command's own.
import { register } from 'tsx/esm/api';

register();
await import('./score-thread.ts');
