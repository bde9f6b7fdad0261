"""Reference tables of the synthetic universe: cities, industries, names, words.

The numbers are calibration choices documented in ``docs/synthetic-data.md``: city weights follow
the 2018 census split (East 58.8 %, Centre 22.6 %, West 18.6 %), industry weights follow the census
shares of legal-person units (wholesale/retail ≈ 30 %, manufacturing ≈ 15 %, business services ≈ 12 %),
and the risk effects (added to a firm's log-odds of default) encode the stylised facts that real
estate, construction, catering and small finance firms fail more often than IT or utilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Cities:
    """Prefecture-level cities: 4-digit code prefix, name, telephone area code, weight, risk effect."""

    prefix: np.ndarray
    name: list[str]
    area_code: list[str]
    weight: np.ndarray
    risk: np.ndarray
    municipality: np.ndarray


# (code prefix, name, area code, weight, macro-region) ; macro-region: E east, C centre, W west, N north-east
_CITY_ROWS: tuple[tuple[str, str, str, float, str], ...] = (
    ("1101", "北京", "010", 5.0, "E"), ("1201", "天津", "022", 2.0, "E"), ("1301", "石家庄", "0311", 1.2, "E"),
    ("1302", "唐山", "0315", 0.8, "E"), ("1306", "保定", "0312", 0.8, "E"), ("1401", "太原", "0351", 0.9, "C"),
    ("1501", "呼和浩特", "0471", 0.6, "W"), ("2101", "沈阳", "024", 1.0, "N"), ("2102", "大连", "0411", 0.9, "N"),
    ("2201", "长春", "0431", 0.8, "N"), ("2301", "哈尔滨", "0451", 0.9, "N"), ("3101", "上海", "021", 5.5, "E"),
    ("3201", "南京", "025", 2.2, "E"), ("3202", "无锡", "0510", 1.4, "E"), ("3203", "徐州", "0516", 0.9, "E"),
    ("3204", "常州", "0519", 1.0, "E"), ("3205", "苏州", "0512", 3.0, "E"), ("3206", "南通", "0513", 1.0, "E"),
    ("3301", "杭州", "0571", 3.2, "E"), ("3302", "宁波", "0574", 1.8, "E"), ("3303", "温州", "0577", 1.5, "E"),
    ("3304", "嘉兴", "0573", 0.8, "E"), ("3305", "湖州", "0572", 0.5, "E"), ("3306", "绍兴", "0575", 0.9, "E"),
    ("3307", "金华", "0579", 1.3, "E"), ("3310", "台州", "0576", 0.9, "E"), ("3401", "合肥", "0551", 1.6, "C"),
    ("3402", "芜湖", "0553", 0.5, "C"), ("3501", "福州", "0591", 1.2, "E"), ("3502", "厦门", "0592", 1.2, "E"),
    ("3505", "泉州", "0595", 1.2, "E"), ("3601", "南昌", "0791", 1.0, "C"), ("3607", "赣州", "0797", 0.6, "C"),
    ("3701", "济南", "0531", 1.6, "E"), ("3702", "青岛", "0532", 1.9, "E"), ("3706", "烟台", "0535", 0.8, "E"),
    ("3707", "潍坊", "0536", 0.8, "E"), ("3713", "临沂", "0539", 0.9, "E"), ("4101", "郑州", "0371", 2.0, "C"),
    ("4103", "洛阳", "0379", 0.7, "C"), ("4201", "武汉", "027", 2.3, "C"), ("4205", "宜昌", "0717", 0.5, "C"),
    ("4206", "襄阳", "0710", 0.5, "C"), ("4301", "长沙", "0731", 1.8, "C"), ("4302", "株洲", "0731", 0.5, "C"),
    ("4401", "广州", "020", 4.5, "E"), ("4403", "深圳", "0755", 5.5, "E"), ("4404", "珠海", "0756", 0.7, "E"),
    ("4405", "汕头", "0754", 0.7, "E"), ("4406", "佛山", "0757", 1.8, "E"), ("4407", "江门", "0750", 0.6, "E"),
    ("4408", "湛江", "0759", 0.5, "E"), ("4413", "惠州", "0752", 0.8, "E"), ("4419", "东莞", "0769", 2.2, "E"),
    ("4420", "中山", "0760", 0.8, "E"), ("4501", "南宁", "0771", 1.0, "W"), ("4502", "柳州", "0772", 0.5, "W"),
    ("4601", "海口", "0898", 0.7, "E"), ("5001", "重庆", "023", 2.8, "W"), ("5101", "成都", "028", 3.0, "W"),
    ("5107", "绵阳", "0816", 0.5, "W"), ("5201", "贵阳", "0851", 0.9, "W"), ("5301", "昆明", "0871", 1.1, "W"),
    ("5401", "拉萨", "0891", 0.2, "W"), ("6101", "西安", "029", 1.9, "W"), ("6201", "兰州", "0931", 0.6, "W"),
    ("6301", "西宁", "0971", 0.3, "W"), ("6401", "银川", "0951", 0.3, "W"), ("6501", "乌鲁木齐", "0991", 0.6, "W"),
)
_MACRO_WEIGHT = {"E": 0.588, "C": 0.226, "W": 0.186 * 0.8, "N": 0.186 * 0.2}
_MACRO_RISK = {"E": 0.0, "C": 0.10, "W": 0.15, "N": 0.30}
_MUNICIPALITIES = {"1101", "1201", "3101", "5001"}


def _build_cities() -> Cities:
    raw = np.array([r[3] for r in _CITY_ROWS])
    macro = [r[4] for r in _CITY_ROWS]
    weight = np.array(
        [raw[i] / raw[[m == macro[i] for m in macro]].sum() * _MACRO_WEIGHT[macro[i]] for i in range(len(raw))]
    )
    # city-specific deviation from a fixed (seed-independent) generator, so that the map is part of the model
    deviation = np.random.default_rng(20250630).normal(0.0, 0.12, len(raw))
    return Cities(
        prefix=np.array([r[0] for r in _CITY_ROWS]),
        name=[r[1] for r in _CITY_ROWS],
        area_code=[r[2] for r in _CITY_ROWS],
        weight=weight / weight.sum(),
        risk=np.array([_MACRO_RISK[m] for m in macro]) + deviation,
        municipality=np.array([r[0] in _MUNICIPALITIES for r in _CITY_ROWS]),
    )


CITIES = _build_cities()

#: county-level suffixes appended to a city prefix (municipalities use district numbers 01..)
DISTRICT_SUFFIXES = ("02", "03", "04", "05", "06", "08", "09", "10", "11", "12", "21", "81")
MUNICIPAL_DISTRICT_SUFFIXES = ("01", "02", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14")


@dataclass(frozen=True)
class Industries:
    """GB/T 4754-2017 divisions (section letter + division number) with weights and risk effects."""

    code: list[str]
    name: list[str]
    word: list[str]
    weight: np.ndarray
    risk: np.ndarray
    invoice_scale: np.ndarray


# code, name, word used in firm names, weight, risk effect, turnover scale (log multiplier)
_INDUSTRY_ROWS: tuple[tuple[str, str, str, float, float, float], ...] = (
    ("A01", "农业", "农业开发", 0.020, 0.20, -0.5),
    ("C13", "农副食品加工业", "食品", 0.020, 0.10, 0.2),
    ("C18", "纺织服装、服饰业", "服饰", 0.025, 0.25, 0.0),
    ("C26", "化学原料和化学制品制造业", "化工", 0.015, 0.00, 0.5),
    ("C33", "金属制品业", "金属制品", 0.025, 0.10, 0.3),
    ("C34", "通用设备制造业", "机械设备", 0.025, -0.05, 0.3),
    ("C38", "电气机械和器材制造业", "电气", 0.020, -0.10, 0.4),
    ("C39", "计算机、通信和其他电子设备制造业", "电子", 0.020, -0.15, 0.5),
    ("D44", "电力、热力生产和供应业", "能源", 0.005, -0.40, 0.6),
    ("E47", "房屋建筑业", "建筑工程", 0.030, 0.35, 0.5),
    ("E50", "建筑装饰、装修和其他建筑业", "装饰工程", 0.040, 0.30, 0.0),
    ("F51", "批发业", "商贸", 0.180, 0.05, 0.4),
    ("F52", "零售业", "商行", 0.120, 0.10, -0.3),
    ("G54", "道路运输业", "物流", 0.040, 0.15, 0.0),
    ("H61", "住宿业", "酒店管理", 0.015, 0.20, -0.4),
    ("H62", "餐饮业", "餐饮管理", 0.060, 0.35, -0.6),
    ("I64", "互联网和相关服务", "网络科技", 0.030, 0.00, -0.2),
    ("I65", "软件和信息技术服务业", "信息技术", 0.050, -0.20, 0.0),
    ("J69", "其他金融业", "投资管理", 0.005, 0.60, -0.5),
    ("K70", "房地产业", "置业", 0.030, 0.45, 0.3),
    ("L72", "商务服务业", "企业管理咨询", 0.100, 0.05, -0.3),
    ("M74", "专业技术服务业", "技术服务", 0.030, -0.10, -0.2),
    ("M75", "科技推广和应用服务业", "科技", 0.040, -0.05, -0.2),
    ("N77", "生态保护和环境治理业", "环保科技", 0.005, 0.00, 0.0),
    ("O80", "居民服务业", "家政服务", 0.030, 0.10, -0.8),
    ("O81", "机动车、电子产品和日用产品修理业", "汽车维修", 0.015, 0.05, -0.6),
    ("P83", "教育", "教育咨询", 0.010, 0.20, -0.6),
    ("Q84", "卫生", "医疗", 0.010, -0.20, 0.0),
    ("R88", "文化艺术业", "文化传播", 0.020, 0.25, -0.5),
)


def _build_industries() -> Industries:
    w = np.array([r[3] for r in _INDUSTRY_ROWS])
    return Industries(
        code=[r[0] for r in _INDUSTRY_ROWS],
        name=[r[1] for r in _INDUSTRY_ROWS],
        word=[r[2] for r in _INDUSTRY_ROWS],
        weight=w / w.sum(),
        risk=np.array([r[4] for r in _INDUSTRY_ROWS]),
        invoice_scale=np.array([r[5] for r in _INDUSTRY_ROWS]),
    )


INDUSTRIES = _build_industries()

#: enterprise types in the order used by the generator (codes of :class:`EnterpriseType`),
#: their shares in the universe, USCC registration/type characters and risk effects
ENTERPRISE_TYPES: tuple[str, ...] = (
    "limited_company", "individual_business", "sole_proprietorship", "partnership",
    "joint_stock", "branch", "cooperative",
)
TYPE_WEIGHTS = np.array([0.55, 0.25, 0.07, 0.03, 0.01, 0.06, 0.03])
TYPE_USCC_PREFIX: tuple[str, ...] = ("91", "92", "91", "91", "91", "91", "93")
TYPE_RISK = np.array([0.0, 0.25, 0.20, 0.10, -0.30, 0.0, 0.15])
TYPE_NAME_SUFFIX: tuple[str, ...] = (
    "有限公司", "店", "个人独资企业", "(有限合伙)", "股份有限公司", "有限公司分公司", "专业合作社",
)
LIMITED, INDIVIDUAL, SOLE, PARTNERSHIP, JOINT_STOCK, BRANCH, COOP = range(7)

SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Zipf-like surname frequencies (王, 李, 张 ≈ 7 % each; long tail)
SURNAME_WEIGHTS = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.9
SURNAME_WEIGHTS = SURNAME_WEIGHTS / SURNAME_WEIGHTS.sum()
GIVEN_CHARS: tuple[str, ...] = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志文斌浩宇晨欣怡涵萱鸣鹏辉玲红梅波俊峰亮晓燕飞雪琴云"
    "海林佳婷颖新宏正阳春秋德福荣昌盛立成东南北宁安康乐嘉瑞祥凯旭琳丹蕾倩雯思源博"
)
TRADE_NAME_CHARS: tuple[str, ...] = tuple(
    "鑫达华盛泰丰恒通宏源兴隆顺发金鼎瑞祥佳诚信和荣昌新锐创远航宇天地中汇联合众邦利嘉旺正优品优特卓越锦程龙腾"
)
ROADS: tuple[str, ...] = (
    "人民", "解放", "中山", "建设", "新华", "和平", "胜利", "长江", "黄河", "文化", "工业", "科技", "创业", "滨江",
    "东风", "青年", "光明", "幸福", "友谊", "朝阳", "红旗", "环城", "迎宾", "振兴", "开发", "学府", "金融", "商贸",
)
MOBILE_PREFIXES: tuple[str, ...] = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                                    "158", "159", "176", "177", "180", "181", "186", "187", "188", "189", "199")

#: registered-capital values (万元) that registrations snap to
ROUND_CAPITALS_WAN = np.array([1, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 800, 1000, 2000, 3000, 5000, 10000,
                               20000, 50000], dtype=float)
