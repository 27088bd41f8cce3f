/**
 * Entry of the console's browser bundle (esbuild bundles this file into /console/assets/app.js
 * and its CSS imports into app.css): mounts the app shell into the page's #app element.
 */
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './app.js';

const root = document.getElementById('app');
if (root) render(<App />, root);
