import { render } from 'preact';
import { Dashboard } from '../../lib/ui/dashboard';
import '../../lib/ui/dashboard.css';

render(<Dashboard />, document.getElementById('app')!);
