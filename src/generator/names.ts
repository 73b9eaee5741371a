import type { Random } from './random.ts';
import { WeightedTable } from './weightedTable.ts';

export type Sex = 'male' | 'female';

/**
 * The 120 most common surnames with their approximate share of the national population in
 * per cent, in the order of the Ministry of Public Security's 2020 surname report (the top
 * twenty shares are the published ones, the tail is rounded from the ranking).
 */
// prettier-ignore
export const nationalSurnames: readonly (readonly [string, number])[] = [
  ['王', 7.12], ['李', 7.0], ['张', 6.74], ['刘', 5.1], ['陈', 4.61], ['杨', 3.22], ['黄', 2.45],
  ['赵', 2.19], ['吴', 2.08], ['周', 2.0], ['徐', 1.45], ['孙', 1.38], ['马', 1.29], ['朱', 1.28],
  ['胡', 1.16], ['郭', 1.14], ['何', 1.1], ['林', 1.03], ['高', 1.02], ['罗', 0.95], ['郑', 0.92],
  ['梁', 0.87], ['谢', 0.79], ['宋', 0.75], ['唐', 0.72], ['许', 0.71], ['韩', 0.7], ['冯', 0.68],
  ['邓', 0.67], ['曹', 0.66], ['彭', 0.63], ['曾', 0.61], ['肖', 0.59], ['田', 0.58], ['董', 0.57],
  ['袁', 0.55], ['潘', 0.54], ['于', 0.53], ['蒋', 0.52], ['蔡', 0.51], ['余', 0.5], ['杜', 0.48],
  ['叶', 0.47], ['程', 0.46], ['苏', 0.45], ['魏', 0.44], ['吕', 0.43], ['丁', 0.42], ['任', 0.41],
  ['沈', 0.4], ['姚', 0.39], ['卢', 0.38], ['姜', 0.37], ['崔', 0.36], ['钟', 0.35], ['谭', 0.34],
  ['陆', 0.33], ['汪', 0.32], ['范', 0.31], ['金', 0.3], ['石', 0.29], ['廖', 0.28], ['贾', 0.27],
  ['夏', 0.26], ['韦', 0.25], ['付', 0.24], ['方', 0.23], ['白', 0.22], ['邹', 0.21], ['孟', 0.2],
  ['熊', 0.2], ['秦', 0.19], ['邱', 0.19], ['江', 0.18], ['尹', 0.18], ['薛', 0.17], ['闫', 0.17],
  ['段', 0.16], ['雷', 0.16], ['侯', 0.15], ['龙', 0.15], ['史', 0.15], ['陶', 0.14], ['黎', 0.14],
  ['贺', 0.14], ['顾', 0.13], ['毛', 0.13], ['郝', 0.13], ['龚', 0.12], ['邵', 0.12], ['万', 0.12],
  ['钱', 0.11], ['严', 0.11], ['覃', 0.1], ['武', 0.1], ['戴', 0.1], ['莫', 0.09], ['孔', 0.09],
  ['向', 0.09], ['汤', 0.09], ['常', 0.08], ['康', 0.08], ['乔', 0.08], ['易', 0.07], ['赖', 0.07],
  ['文', 0.07], ['牛', 0.07], ['辛', 0.05], ['曲', 0.05], ['毕', 0.05], ['谷', 0.05], ['柳', 0.05],
  ['岳', 0.05], ['连', 0.03], ['初', 0.02], ['丛', 0.02], ['鞠', 0.02], ['隋', 0.02], ['戚', 0.02],
  ['衣', 0.01],
];

/**
 * How much more (or less) common a surname is on the Jiaodong peninsula (Yantai, Weihai,
 * Qingdao) than nationally: 于, 孙, 曲, 丛, 鞠, 毕 and 姜 are typical Rongcheng names, while
 * southern surnames (陈, 黄, 罗, 谢, 曾 …) are rare in Shandong.
 */
// prettier-ignore
const jiaodongFactors: Readonly<Record<string, number>> = {
  于: 9, 王: 1.4, 孙: 2.5, 曲: 45, 丛: 70, 鞠: 70, 毕: 20, 姜: 4, 宋: 2, 林: 1.5, 邹: 3, 汤: 3,
  谷: 12, 连: 20, 隋: 30, 初: 40, 衣: 50, 戚: 25, 梁: 1.3, 郭: 1.2, 柳: 6, 岳: 3,
  陈: 0.25, 黄: 0.15, 吴: 0.4, 罗: 0.15, 郑: 0.4, 谢: 0.2, 曾: 0.1, 彭: 0.2, 廖: 0.1, 覃: 0.02,
  韦: 0.05, 黎: 0.05, 莫: 0.05, 龙: 0.1, 钟: 0.15, 赖: 0.05, 潘: 0.3, 蔡: 0.3, 叶: 0.3, 余: 0.2,
  邓: 0.3, 何: 0.4, 胡: 0.5, 唐: 0.3, 袁: 0.4, 肖: 0.3, 蒋: 0.3, 谭: 0.2, 熊: 0.2, 邱: 0.3,
};

/** Shandong outside Jiaodong: northern mix without the island of local names. */
// prettier-ignore
const shandongFactors: Readonly<Record<string, number>> = {
  王: 1.3, 张: 1.2, 刘: 1.2, 孙: 1.6, 于: 2, 姜: 2, 孔: 3, 曲: 3, 毕: 3,
  陈: 0.5, 黄: 0.3, 罗: 0.3, 谢: 0.4, 曾: 0.2, 彭: 0.4, 廖: 0.2, 覃: 0.05, 韦: 0.1, 黎: 0.1,
  莫: 0.1, 钟: 0.3, 赖: 0.1, 潘: 0.5, 蔡: 0.5, 叶: 0.5, 余: 0.4, 邓: 0.5,
};

export type SurnameProfile = 'national' | 'shandong' | 'jiaodong';

/** The surname mix of a county: Jiaodong (Yantai 3706, Weihai 3710, Qingdao 3702), rest of Shandong, or national. */
export function surnameProfileOf(countyCode: string): SurnameProfile {
  if (/^37(02|06|10)/.test(countyCode)) return 'jiaodong';
  if (countyCode.startsWith('37')) return 'shandong';
  return 'national';
}

const surnameTables: Record<SurnameProfile, WeightedTable<string>> = {
  national: new WeightedTable(nationalSurnames),
  shandong: new WeightedTable(nationalSurnames.map(([s, w]) => [s, w * (shandongFactors[s] ?? 1)] as const)),
  jiaodong: new WeightedTable(nationalSurnames.map(([s, w]) => [s, w * (jiaodongFactors[s] ?? 1)] as const)),
};

export function drawSurname(rng: Random, profile: SurnameProfile): string {
  return surnameTables[profile].draw(rng);
}

/**
 * Naming fashions by birth cohort, because a 秀英 born in 2015 or a 梓涵 born in 1940 would
 * give the demo away. Each era lists single-character given names (two-character full
 * names) and first/second characters for two-character given names, male- and female-leaning.
 */
interface EraNames {
  /** Share of three-character full names (two-character given names) in the cohort. */
  threeCharShare: number;
  male: { single: readonly string[]; first: readonly string[]; second: readonly string[] };
  female: { single: readonly string[]; first: readonly string[]; second: readonly string[] };
}

const chars = (s: string): readonly string[] => Array.from(s);

const eras: readonly { until: number; names: EraNames }[] = [
  {
    until: 1959,
    names: {
      threeCharShare: 0.85,
      male: {
        single: chars('德福贵宝山海胜全发财顺荣祥林树春生文明忠'),
        first: chars('德福宝玉永国振长光春学树志文家洪明进连吉世'),
        second: chars('才山林成海田祥富胜忠义顺章江和发财贵生堂'),
      },
      female: {
        single: chars('英兰珍芝秀凤花梅荣霞云琴'),
        first: chars('秀桂玉淑凤素翠兰美金春月爱'),
        second: chars('英兰珍芝花荣梅琴芳霞莲香云娥'),
      },
    },
  },
  {
    until: 1979,
    names: {
      threeCharShare: 0.75,
      male: {
        single: chars('军伟强勇平刚华斌杰涛明东波辉建卫林峰海'),
        first: chars('建国卫志红爱立振永军海新文明晓学'),
        second: chars('国军华民平强伟东林刚明峰勇斌波涛'),
      },
      female: {
        single: chars('红丽艳霞玲燕静敏娟萍梅芳华英'),
        first: chars('丽红秀美春晓海艳桂玉淑凤彩'),
        second: chars('红梅霞艳英华丽芳萍玲燕娟'),
      },
    },
  },
  {
    until: 1999,
    names: {
      threeCharShare: 0.6,
      male: {
        single: chars('磊鹏超浩鑫杰帅凯亮伟强波涛斌飞龙阳健宇琦'),
        first: chars('晓海志建文俊家宏振永明鹏云'),
        second: chars('东鹏飞磊涛伟辉亮杰超龙宇峰斌'),
      },
      female: {
        single: chars('丽婷静敏燕雪晶娜颖倩莉琳洁璐丹玉'),
        first: chars('晓丽雪婷海文佳金玉春美静'),
        second: chars('丽静燕娜婷敏霞倩颖琳娟洁'),
      },
    },
  },
  {
    until: Number.POSITIVE_INFINITY,
    names: {
      threeCharShare: 0.85,
      male: {
        single: chars('宇浩轩博睿哲泽晨铭阳凯航豪'),
        first: chars('子浩宇梓俊一博思嘉睿晨明天'),
        second: chars('轩涵宇然泽航睿博辰阳铭熙豪哲'),
      },
      female: {
        single: chars('涵萱琪怡欣悦彤妍雨瑶佳诺'),
        first: chars('子梓欣雨思诗佳一可若语美依'),
        second: chars('涵萱怡彤琪妍瑶诺萌悦琳婷晨'),
      },
    },
  },
];

function eraOf(birthYear: number): EraNames {
  for (const era of eras) if (birthYear <= era.until) return era.names;
  throw new RangeError('unreachable: the last era is open-ended');
}

export interface GivenNameOptions {
  /**
   * A generation character (字辈) to start the given name with, as siblings of older
   * cohorts often share; forces a two-character given name.
   */
  generationChar?: string;
}

/** A given name of one or two characters fitting the sex and birth cohort. */
export function drawGivenName(
  rng: Random,
  sex: Sex,
  birthYear: number,
  options: GivenNameOptions = {},
): string {
  const era = eraOf(birthYear);
  const pool = era[sex];
  if (options.generationChar !== undefined) {
    let second = rng.pick(pool.second);
    if (second === options.generationChar) second = rng.pick(pool.second);
    return options.generationChar + second;
  }
  if (!rng.chance(era.threeCharShare)) return rng.pick(pool.single);
  const first = rng.pick(pool.first);
  let second = rng.pick(pool.second);
  // 国国 or 丽丽-style doubled characters are rare outside nicknames: draw once more.
  if (second === first) second = rng.pick(pool.second);
  return first + second;
}

/** Whether a given name may carry a generation character: only two-character ones do. */
export function generationCharOf(givenName: string): string | undefined {
  const characters = Array.from(givenName);
  return characters.length === 2 ? characters[0] : undefined;
}
