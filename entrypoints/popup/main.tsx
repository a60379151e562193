import { render } from 'preact';
import { Popup } from '../../lib/ui/popup';
import '../../lib/ui/dashboard.css';

render(<Popup />, document.getElementById('app')!);
