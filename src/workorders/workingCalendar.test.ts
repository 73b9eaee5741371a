import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { WorkingCalendar, type CalendarOverride } from './workingCalendar.ts';

// Expected dates below are counted by hand from the State Council's 2026 arrangement
// (https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm):
// 春节 02-15 (Sun)…02-23 (Mon) off, 02-14 (Sat) and 02-28 (Sat) worked;
// 国庆节 10-01 (Thu)…10-07 (Wed) off, 09-20 (Sun) and 10-10 (Sat) worked; 中秋 09-25…09-27 off.
const RONGCHENG = '371082000000'; // 山东省荣成市
const NANNING_QINGXIU = '450103000000'; // 广西南宁市青秀区
const NANNING_XINGNING = '450102000000'; // 广西南宁市兴宁区
const LIUZHOU_CHENGZHONG = '450202000000'; // 广西柳州市城中区
const GUANGXI = '450000000000';
const NANNING = '450100000000';

const sanyuesanMonday: CalendarOverride = {
  regionCode: GUANGXI,
  day: '2026-04-20',
  kind: 'holiday',
  name: '三月三',
};
const sanyuesan: CalendarOverride[] = [sanyuesanMonday, { ...sanyuesanMonday, day: '2026-04-21' }];

describe('WorkingCalendar, statutory 2026', () => {
  const calendar = new WorkingCalendar();

  it('counts a due date across Spring Festival with the make-up Saturday', () => {
    // 02-12 Thu: 1 = 02-13 Fri, 2 = 02-14 Sat (make-up), 02-15…02-23 off, 3 = 02-24 Tue.
    expect(calendar.addWorkingDays('2026-02-12', 3, RONGCHENG)).toBe('2026-02-24');
    expect(calendar.addWorkingDays('2026-02-12', 2, RONGCHENG)).toBe('2026-02-14');
    // 02-24…02-27 are 1–4, 02-28 Sat (make-up) is 5, then 03-01 Sun off, 03-02 Mon is 6.
    expect(calendar.addWorkingDays('2026-02-23', 5, RONGCHENG)).toBe('2026-02-28');
    expect(calendar.addWorkingDays('2026-02-23', 6, RONGCHENG)).toBe('2026-03-02');
  });

  it('counts a due date across National Day with the make-up Saturday', () => {
    // 09-29 Tue: 1 = 09-30, 10-01…10-07 off, 2 = 10-08, 3 = 10-09, 4 = 10-10 Sat (make-up), 5 = 10-12 Mon.
    expect(calendar.addWorkingDays('2026-09-29', 1, RONGCHENG)).toBe('2026-09-30');
    expect(calendar.addWorkingDays('2026-09-29', 2, RONGCHENG)).toBe('2026-10-08');
    expect(calendar.addWorkingDays('2026-09-29', 4, RONGCHENG)).toBe('2026-10-10');
    expect(calendar.addWorkingDays('2026-09-29', 5, RONGCHENG)).toBe('2026-10-12');
  });

  it('treats every 2026 make-up weekend day as working, naming its holiday', () => {
    const makeUp = {
      '2026-01-04': '元旦',
      '2026-02-14': '春节',
      '2026-02-28': '春节',
      '2026-05-09': '劳动节',
      '2026-09-20': '国庆节',
      '2026-10-10': '国庆节',
    };
    for (const [day, name] of Object.entries(makeUp)) {
      expect(calendar.dayInfo(day, RONGCHENG)).toEqual({
        day,
        working: true,
        name,
        source: 'statutory',
        covered: true,
      });
    }
  });

  it('names statutory holidays in Chinese, weekend ones included', () => {
    expect(calendar.dayInfo('2026-02-15', RONGCHENG)).toEqual({
      day: '2026-02-15',
      working: false,
      name: '春节',
      source: 'statutory',
      covered: true,
    });
    expect(calendar.dayInfo('2026-02-23', RONGCHENG)).toMatchObject({ working: false, name: '春节' });
    expect(calendar.dayInfo('2026-10-07', RONGCHENG)).toMatchObject({ working: false, name: '国庆节' });
    expect(calendar.dayInfo('2026-09-25', RONGCHENG)).toMatchObject({ working: false, name: '中秋' });
  });

  it('keeps a plain weekend off and a plain weekday working', () => {
    expect(calendar.dayInfo('2026-03-07', RONGCHENG)).toEqual({
      day: '2026-03-07',
      working: false,
      name: null,
      source: 'weekend',
      covered: true,
    });
    expect(calendar.isWorkingDay('2026-03-08', RONGCHENG)).toBe(false);
    expect(calendar.dayInfo('2026-03-09', RONGCHENG)).toEqual({
      day: '2026-03-09',
      working: true,
      name: null,
      source: 'weekday',
      covered: true,
    });
  });

  it('with n = 0 gives the day itself when working, else the next working day', () => {
    expect(calendar.addWorkingDays('2026-02-14', 0, RONGCHENG)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-15', 0, RONGCHENG)).toBe('2026-02-24');
    expect(calendar.addWorkingDays('2026-03-07', 0, RONGCHENG)).toBe('2026-03-09');
    // From a non-working day, the first working day after it is the 1st.
    expect(calendar.addWorkingDays('2026-02-15', 1, RONGCHENG)).toBe('2026-02-24');
  });

  it('counts working days between dates across the holidays', () => {
    // (02-12, 02-28]: 02-13, 02-14, 02-24…02-27, 02-28.
    expect(calendar.workingDaysBetween('2026-02-12', '2026-02-28', RONGCHENG)).toBe(7);
    // (09-30, 10-11]: 10-08, 10-09, 10-10.
    expect(calendar.workingDaysBetween('2026-09-30', '2026-10-11', RONGCHENG)).toBe(3);
    // (09-18, 10-12]: 09-20, 09-21…09-24, 09-28…09-30, 10-08…10-10, 10-12.
    expect(calendar.workingDaysBetween('2026-09-18', '2026-10-12', RONGCHENG)).toBe(12);
  });

  it('counts nothing when to is not after from', () => {
    expect(calendar.workingDaysBetween('2026-03-09', '2026-03-09', RONGCHENG)).toBe(0);
    expect(calendar.workingDaysBetween('2026-03-10', '2026-03-09', RONGCHENG)).toBe(0);
    expect(calendar.workingDaysBetween('2026-03-09', '2026-03-10', RONGCHENG)).toBe(1);
  });

  it('agrees with itself: n working days after a date are n working days away, on a working day', () => {
    const start = Date.UTC(2025, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 }), fc.integer({ min: 1, max: 60 }), (offset, n) => {
        const from = new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
        const due = calendar.addWorkingDays(from, n, RONGCHENG);
        expect(calendar.isWorkingDay(due, RONGCHENG)).toBe(true);
        expect(calendar.workingDaysBetween(from, due, RONGCHENG)).toBe(n);
      }),
    );
  });
});

describe('WorkingCalendar, regional overrides', () => {
  it('moves a due date in Nanning for Guangxi’s 三月三 but not in Rongcheng', () => {
    const calendar = new WorkingCalendar(sanyuesan);
    // 04-17 Fri; 04-18/19 weekend; 04-20/21 off in Guangxi only.
    expect(calendar.addWorkingDays('2026-04-17', 1, NANNING_QINGXIU)).toBe('2026-04-22');
    expect(calendar.addWorkingDays('2026-04-17', 1, RONGCHENG)).toBe('2026-04-20');
    expect(calendar.workingDaysBetween('2026-04-17', '2026-04-24', NANNING_QINGXIU)).toBe(3);
    expect(calendar.workingDaysBetween('2026-04-17', '2026-04-24', RONGCHENG)).toBe(5);
    expect(calendar.dayInfo('2026-04-20', NANNING_QINGXIU)).toEqual({
      day: '2026-04-20',
      working: false,
      name: '三月三',
      source: 'override',
      covered: true,
    });
    expect(calendar.dayInfo('2026-04-20', RONGCHENG).source).toBe('weekday');
  });

  it('lets a more specific region beat a wider one, whatever the order', () => {
    const nanningWorks: CalendarOverride = {
      regionCode: NANNING,
      day: '2026-04-20',
      kind: 'workday',
      name: '南宁三月三调整上班',
    };
    for (const overrides of [
      [...sanyuesan, nanningWorks],
      [nanningWorks, ...sanyuesan],
    ]) {
      const calendar = new WorkingCalendar(overrides);
      expect(calendar.dayInfo('2026-04-20', NANNING_XINGNING)).toMatchObject({
        working: true,
        name: '南宁三月三调整上班',
        source: 'override',
      });
      expect(calendar.isWorkingDay('2026-04-21', NANNING_XINGNING)).toBe(false);
      expect(calendar.isWorkingDay('2026-04-20', LIUZHOU_CHENGZHONG)).toBe(false);
      expect(calendar.addWorkingDays('2026-04-17', 2, NANNING_XINGNING)).toBe('2026-04-22');
      expect(calendar.addWorkingDays('2026-04-17', 2, LIUZHOU_CHENGZHONG)).toBe('2026-04-23');
    }
  });

  it('can make a regional weekend day working and override a statutory holiday', () => {
    const calendar = new WorkingCalendar([
      { regionCode: GUANGXI, day: '2026-04-25', kind: 'workday', name: '三月三补班' },
      { regionCode: NANNING, day: '2026-02-16', kind: 'workday', name: '值班' },
    ]);
    expect(calendar.dayInfo('2026-04-25', NANNING_QINGXIU)).toMatchObject({
      working: true,
      name: '三月三补班',
    });
    expect(calendar.isWorkingDay('2026-04-25', RONGCHENG)).toBe(false);
    expect(calendar.isWorkingDay('2026-02-16', NANNING_QINGXIU)).toBe(true);
    expect(calendar.isWorkingDay('2026-02-16', LIUZHOU_CHENGZHONG)).toBe(false);
  });

  it('matches an area exactly equal to the override region', () => {
    const calendar = new WorkingCalendar(sanyuesan);
    expect(calendar.isWorkingDay('2026-04-20', GUANGXI)).toBe(false);
  });

  it('refuses a malformed override or two for one region and day', () => {
    expect(() => new WorkingCalendar([{ ...sanyuesanMonday, day: '2026-4-20' }])).toThrow(/invalid date/);
    expect(() => new WorkingCalendar([{ ...sanyuesanMonday, regionCode: '45' }])).toThrow(/region code/);
    expect(() => new WorkingCalendar([sanyuesanMonday, { ...sanyuesanMonday, kind: 'workday' }])).toThrow(
      /duplicate/,
    );
  });
});

describe('WorkingCalendar, outside the statutory data', () => {
  const calendar = new WorkingCalendar();

  it('falls back to weekends in a year without data (2030)', () => {
    // 2030-01-01 is a Tuesday; New Year's Day would be off, but there is no arrangement to say so.
    expect(calendar.dayInfo('2030-01-01', RONGCHENG)).toEqual({
      day: '2030-01-01',
      working: true,
      name: null,
      source: 'weekday',
      covered: false,
    });
    expect(calendar.dayInfo('2030-01-05', RONGCHENG)).toMatchObject({ working: false, source: 'weekend' });
    // 01-04 Fri → 01-07 Mon.
    expect(calendar.addWorkingDays('2030-01-04', 1, RONGCHENG)).toBe('2030-01-07');
    expect(calendar.workingDaysBetween('2029-12-31', '2030-01-31', RONGCHENG)).toBe(23);
  });

  it('falls back before the data begins too (2003)', () => {
    expect(calendar.dayInfo('2003-10-01', RONGCHENG)).toMatchObject({ working: true, covered: false });
    expect(calendar.dayInfo('2004-10-01', RONGCHENG)).toMatchObject({ working: false, covered: true });
  });

  it('still applies overrides in a year without data', () => {
    const withOverride = new WorkingCalendar([
      { regionCode: GUANGXI, day: '2030-04-05', kind: 'holiday', name: '三月三' },
    ]);
    expect(withOverride.dayInfo('2030-04-05', NANNING_QINGXIU)).toMatchObject({
      working: false,
      source: 'override',
      covered: false,
    });
  });
});

describe('WorkingCalendar, input and environment', () => {
  const calendar = new WorkingCalendar();

  it('rejects malformed dates, impossible dates, bad counts and bad area codes', () => {
    for (const bad of ['2026-2-14', '2026-02-30', '2026-13-01', '20260214', '', '2026-02-14T00:00:00Z']) {
      expect(() => calendar.dayInfo(bad, RONGCHENG), bad).toThrow(/invalid date/);
    }
    expect(() => calendar.addWorkingDays('2026-02-12', -1, RONGCHENG)).toThrow(/count/);
    expect(() => calendar.addWorkingDays('2026-02-12', 1.5, RONGCHENG)).toThrow(/count/);
    expect(() => calendar.workingDaysBetween('2026-02-12', '2026-02-31', RONGCHENG)).toThrow(/invalid date/);
    expect(() => calendar.dayInfo('2026-02-12', '371082')).toThrow(/area code/);
  });

  it('gives the same answers whatever the process time zone', () => {
    // chinese-days' own functions shift by a day west of UTC; the calendar must not.
    const days = Array.from({ length: 365 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
    );
    const answers = () => {
      const fresh = new WorkingCalendar(sanyuesan);
      return days.map((day) => fresh.dayInfo(day, NANNING_QINGXIU));
    };
    const expected = answers();
    const saved = process.env.TZ;
    try {
      for (const zone of ['America/New_York', 'Pacific/Kiritimati', 'Asia/Shanghai']) {
        process.env.TZ = zone;
        expect(answers(), zone).toEqual(expected);
        expect(new WorkingCalendar().addWorkingDays('2026-02-27', 1, RONGCHENG), zone).toBe('2026-02-28');
        expect(new WorkingCalendar().isWorkingDay('2026-03-02', RONGCHENG), zone).toBe(true);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
