// How the console writes numbers, durations and times. No DOM.

/** 287 -> "4:47", 3725 -> "1:02:05"; null/undefined -> "no expiry". */
export function formatTtl(seconds) {
    if (seconds === null || seconds === undefined) {
        return 'no expiry';
    }
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const rest = String(s % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Messages per second with one decimal; "–" before there are two readings. */
export function formatRate(perSecond) {
    if (perSecond === null || perSecond === undefined || Number.isNaN(perSecond)) {
        return '–';
    }
    return perSecond.toFixed(1);
}

/** A count as a whole number; "–" when unknown. */
export function formatCount(value) {
    if (value === null || value === undefined || Number.isNaN(value)) {
        return '–';
    }
    return String(Math.round(value));
}

/** Epoch ms as an ISO-like local time "2026-11-30 07:33:40"; "–" when absent. */
export function formatTime(epochMs) {
    if (epochMs === null || epochMs === undefined) {
        return '–';
    }
    const d = new Date(epochMs);
    const two = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} `
        + `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** A TTL typed by the operator: whole seconds from 1 to 31536000, else null. */
export function parseTtlInput(text) {
    const t = String(text ?? '').trim();
    if (!/^\d{1,8}$/.test(t)) {
        return null;
    }
    const n = Number(t);
    return n >= 1 && n <= 31536000 ? n : null;
}
