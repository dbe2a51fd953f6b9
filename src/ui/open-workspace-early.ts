// Imported by main.tsx before React and the pages: the local database starts opening (and, on a first visit, creating
// its tables) while the rest of the app's code is still being evaluated, instead of after the first render. The App
// awaits the same boot, and shows its error if it fails.
import { bootStudio } from './studio-boot.js';

void bootStudio().catch(() => undefined);
