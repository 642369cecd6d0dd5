import { describe, expect, it } from 'vitest';
import { Emitter } from '../events/events.ts';
import { EventRecorder } from './event-recorder.ts';

describe('EventRecorder', () => {
  it('records events from several emitters in firing order', () => {
    const open = new Emitter<{ failures: number }>();
    const close = new Emitter<{ afterMs: number }>();
    const events = new EventRecorder();
    open.subscribe(events.listener('open'));
    close.subscribe(events.listener('close'));
    open.emit({ failures: 3 });
    close.emit({ afterMs: 100 });
    open.emit({ failures: 4 });
    expect(events.names()).toEqual(['open', 'close', 'open']);
    expect(events.payloads('open')).toEqual([{ failures: 3 }, { failures: 4 }]);
    expect(events.events[1]).toEqual({ name: 'close', payload: { afterMs: 100 } });
    events.clear();
    expect(events.events).toHaveLength(0);
  });
});
