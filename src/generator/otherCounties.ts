import { WeightedTable } from './weightedTable.ts';

/**
 * Real county-level codes outside the generated county (GB/T 2260), used where a person's
 * life touches another place: the address code of an ID number first issued elsewhere, the
 * hukou of non-local residents, and where people registered here actually live.
 */

export interface OtherCounty {
  code: string; // 6 digits
  name: string;
  weight: number;
}

/**
 * Where people who moved to a Shandong coastal county come from: mostly elsewhere in
 * Shandong, then the northeast (the historical 闯关东 links run both ways), Henan, and brides
 * and workers from the southwest.
 */
// prettier-ignore
export const originCounties: readonly OtherCounty[] = [
  { code: '371002', name: '山东省威海市环翠区', weight: 8 },
  { code: '371003', name: '山东省威海市文登区', weight: 8 },
  { code: '371083', name: '山东省威海市乳山市', weight: 6 },
  { code: '370602', name: '山东省烟台市芝罘区', weight: 4 },
  { code: '370687', name: '山东省烟台市海阳市', weight: 4 },
  { code: '370683', name: '山东省烟台市莱州市', weight: 3 },
  { code: '370782', name: '山东省潍坊市诸城市', weight: 3 },
  { code: '370785', name: '山东省潍坊市高密市', weight: 2 },
  { code: '371302', name: '山东省临沂市兰山区', weight: 3 },
  { code: '371321', name: '山东省临沂市沂南县', weight: 3 },
  { code: '371323', name: '山东省临沂市沂水县', weight: 3 },
  { code: '371122', name: '山东省日照市莒县', weight: 3 },
  { code: '371102', name: '山东省日照市东港区', weight: 2 },
  { code: '370883', name: '山东省济宁市邹城市', weight: 2 },
  { code: '370830', name: '山东省济宁市汶上县', weight: 2 },
  { code: '371502', name: '山东省聊城市东昌府区', weight: 2 },
  { code: '371525', name: '山东省聊城市冠县', weight: 2 },
  { code: '371581', name: '山东省聊城市临清市', weight: 1 },
  { code: '371702', name: '山东省菏泽市牡丹区', weight: 3 },
  { code: '371425', name: '山东省德州市齐河县', weight: 1 },
  { code: '370102', name: '山东省济南市历下区', weight: 1 },
  { code: '370202', name: '山东省青岛市市南区', weight: 1 },
  { code: '230102', name: '黑龙江省哈尔滨市道里区', weight: 3 },
  { code: '230103', name: '黑龙江省哈尔滨市南岗区', weight: 2 },
  { code: '230203', name: '黑龙江省齐齐哈尔市建华区', weight: 2 },
  { code: '230602', name: '黑龙江省大庆市萨尔图区', weight: 2 },
  { code: '230882', name: '黑龙江省佳木斯市富锦市', weight: 2 },
  { code: '230521', name: '黑龙江省双鸭山市集贤县', weight: 2 },
  { code: '231181', name: '黑龙江省黑河市北安市', weight: 2 },
  { code: '220102', name: '吉林省长春市南关区', weight: 1 },
  { code: '220581', name: '吉林省通化市梅河口市', weight: 1 },
  { code: '210202', name: '辽宁省大连市中山区', weight: 1 },
  { code: '210881', name: '辽宁省营口市盖州市', weight: 1 },
  { code: '410102', name: '河南省郑州市中原区', weight: 2 },
  { code: '410105', name: '河南省郑州市金水区', weight: 1 },
  { code: '411522', name: '河南省信阳市光山县', weight: 2 },
  { code: '411602', name: '河南省周口市川汇区', weight: 2 },
  { code: '411628', name: '河南省周口市鹿邑县', weight: 2 },
  { code: '411424', name: '河南省商丘市柘城县', weight: 2 },
  { code: '411722', name: '河南省驻马店市上蔡县', weight: 2 },
  { code: '130682', name: '河北省保定市定州市', weight: 1 },
  { code: '320322', name: '江苏省徐州市沛县', weight: 1 },
  { code: '341202', name: '安徽省阜阳市颍州区', weight: 1 },
  { code: '341221', name: '安徽省阜阳市临泉县', weight: 2 },
  { code: '341322', name: '安徽省宿州市萧县', weight: 1 },
  { code: '421087', name: '湖北省荆州市松滋市', weight: 1 },
  { code: '510921', name: '四川省遂宁市蓬溪县', weight: 1 },
  { code: '511623', name: '四川省广安市邻水县', weight: 1 },
  { code: '520322', name: '贵州省遵义市桐梓县', weight: 1 },
  { code: '530521', name: '云南省保山市施甸县', weight: 1 },
];

/** Where people registered in the county live when they live outside it: nearby cities first. */
// prettier-ignore
export const destinationCounties: readonly OtherCounty[] = [
  { code: '371002', name: '山东省威海市环翠区', weight: 30 },
  { code: '371003', name: '山东省威海市文登区', weight: 6 },
  { code: '371083', name: '山东省威海市乳山市', weight: 3 },
  { code: '370602', name: '山东省烟台市芝罘区', weight: 10 },
  { code: '370613', name: '山东省烟台市莱山区', weight: 5 },
  { code: '370202', name: '山东省青岛市市南区', weight: 5 },
  { code: '370211', name: '山东省青岛市黄岛区', weight: 6 },
  { code: '370212', name: '山东省青岛市崂山区', weight: 4 },
  { code: '370102', name: '山东省济南市历下区', weight: 7 },
  { code: '210202', name: '辽宁省大连市中山区', weight: 4 },
  { code: '110105', name: '北京市朝阳区', weight: 5 },
  { code: '310115', name: '上海市浦东新区', weight: 4 },
];

/** A weighted table over a county list without the generated county itself. */
export function otherCountyTable(
  counties: readonly OtherCounty[],
  countyCode: string,
): WeightedTable<OtherCounty> {
  return new WeightedTable(counties.filter((c) => c.code !== countyCode).map((c) => [c, c.weight] as const));
}
