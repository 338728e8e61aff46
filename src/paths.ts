import path from 'node:path';

/** The project root: one level above `src/` (tests) or `dist/src/`'s parent's parent (build). */
export const projectRoot = path.basename(path.resolve(__dirname, '..')) === 'dist'
  ? path.resolve(__dirname, '..', '..')
  : path.resolve(__dirname, '..');

export const viewsDir = path.join(projectRoot, 'views');
export const localesDir = path.join(projectRoot, 'locales');
export const publicDir = path.join(projectRoot, 'public');
export const reportsDir = path.join(projectRoot, 'reports');
export const nodeModulesDir = path.join(projectRoot, 'node_modules');
