//! Red-flag triage on the shipped rules (`faq/red-flags.toml`), measured on
//! vignettes: emergencies and crisis statements must come out `urgent` with
//! the right flag, in any wording, with typos and chatter around them;
//! negated, distant-past and ordinary mentions of the same words must not.
//!
//! The table was written before the rules it tests were changed; its
//! first-run figures, and the held-out set it is not tuned on
//! (`docs/holdout-triage.jsonl`), are in docs/QUALITY.md.
//! `python3 docs/tools/triage_score.py target/release/backpain-bot` prints
//! the figures per flag and per group (the `// ---` lines name the groups).

mod common;

use backpain_bot::content::FlagKind;
use backpain_bot::matcher::{Match, Outcome, MAX_QUESTION_CHARS};
use backpain_bot::reply::{self, AskRecord};

/// Checks that `question` fires red flag `flag` (by id), or none.
fn check(question: &str, flag: Option<&str>) -> Option<String> {
    let matcher = common::shipped();
    let m = matcher.ask(question);
    let got = m
        .flag
        .and_then(|i| matcher.catalog().red_flags.flags.get(i))
        .map(|f| f.id.as_str());
    let urgent = m.outcome == Outcome::Urgent;
    if got == flag && urgent == flag.is_some() && (!urgent || m.entry.is_none()) {
        return None;
    }
    Some(format!(
        "{question:?}: expected {flag:?}, got {got:?} ({})",
        m.outcome.as_str()
    ))
}

fn run(cases: &[(&str, Option<&str>)]) {
    let failures: Vec<String> = cases.iter().filter_map(|&(q, f)| check(q, f)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
#[rustfmt::skip]
fn vignettes() {
    run(&[
        // --- crisis
        ("i want to kill myself", Some("crisis")),
        ("honestly i just want to end it all, this back pain has taken everything from me", Some("crisis")),
        ("i dont want to be here anymore", Some("crisis")),
        ("im thinking about hurting myself tbh", Some("crisis")),
        ("sometimes i wish i could go to sleep and not wake up", Some("crisis")),
        ("no point living like this with my back the way it is", Some("crisis")),
        ("i'm planning to take all my pills tonight", Some("crisis")),
        ("yo idk who else to tell but i keep thinking about killing myself. the pain never stops", Some("crisis")),
        ("does acupressure work for chronic pain? asking because i'm at the point where i want to die", Some("crisis")),
        ("my brother keeps saying he wants to end his life because of his back pain, what do i do", Some("crisis")),
        ("I've started cutting myself again since the pain got worse", Some("crisis")),
        ("Hi all, long time lurker. I've had sciatica for two years, tried physio, injections, the lot. Lately I've been having thoughts of suicide and I don't really know where else to say it. Sorry if this is the wrong place.", Some("crisis")),
        ("i'm so done. i want to die lol not even joking anymore", Some("crisis")),
        ("honestly id be better off dead than living with this back", Some("crisis")),
        ("my mum said she's going to overdose on her painkillers, she's been in agony for months and i'm scared", Some("crisis")),
        ("feel like ending my life most days now", Some("crisis")),
        ("im going to hurt myself if this pain doesnt stop", Some("crisis")),
        ("suicidal again tonight, back is unbearable", Some("crisis")),
        ("how long does acupuncture take to work? tbh ive been thinking of ending things if nothing helps", Some("crisis")),
        ("I've been saving up my tramadol and i think tonight is the night", Some("crisis")),
        ("I keep thinking about jumping off the bridge near my work", Some("crisis")),
        ("ok so my back has been wrecked since march, cant work, cant sleep, my gf left. every night i think about killing myself. not sure why im posting this here, i guess i just needed to say it to someone", Some("crisis")),
        ("My husband told me last night he wants to take his own life. His back pain has been horrendous. Please help", Some("crisis")),
        // --- crisis indirect and slang
        ("kms", Some("crisis")),
        ("gonna kms if this back pain doesnt stop fr", Some("crisis")),
        ("i want to unalive myself", Some("crisis")),
        ("been thinking about unaliving tbh", Some("crisis")),
        ("i want to disappear forever", Some("crisis")),
        ("whats the point of living like this", Some("crisis")),
        ("everyone would be better off without me", Some("crisis")),
        ("i just want it all to stop. permanently", Some("crisis")),
        ("ive written goodbye letters to my family", Some("crisis")),
        ("i'm such a burden to everyone, they'd be happier if i was gone for good", Some("crisis")),
        ("cant do this anymore, ready to check out for good", Some("crisis")),
        ("sewer slide has been on my mind a lot lately", Some("crisis")),
        ("don't see a future for myself anymore, i just want to not exist", Some("crisis")),
        ("ive been looking up how many pills it would take", Some("crisis")),
        ("i've given away my stuff and said my goodbyes, this pain wins", Some("crisis")),
        // --- bladder-bowel
        ("i cant control my bladder since yesterday", Some("bladder-bowel")),
        ("wet myself twice today and my lower back is in agony", Some("bladder-bowel")),
        ("been leaking pee since my back went out on monday", Some("bladder-bowel")),
        ("keep having accidents, i cant hold it anymore, back pain is bad", Some("bladder-bowel")),
        ("i cant feel when i pee", Some("bladder-bowel")),
        ("havent been able to pee since yesterday and my back is agony", Some("bladder-bowel")),
        ("is it normal to lose control of your bowels with sciatica? happened this morning", Some("bladder-bowel")),
        ("my dad had an accident in his pants yesterday, he didnt feel it coming. he's 60 and has awful back pain", Some("bladder-bowel")),
        ("how many acupuncture sessions do I need? also I've been peeing myself since Tuesday", Some("bladder-bowel")),
        ("blader problems started after my back flared up, i keep leaking", Some("bladder-bowel")),
        ("I soiled myself without realising it and my back has been bad all week, very embarrassed", Some("bladder-bowel")),
        ("cant empty my bladder properly, only dribbles out, lower back pain started 2 days ago", Some("bladder-bowel")),
        ("im peeing myself when i stand up now and my back is killing me", Some("bladder-bowel")),
        ("my bladder feels full but nothing comes out and my back is in agony", Some("bladder-bowel")),
        ("i keep wetting the bed now, started last week along with my back pain. im 38", Some("bladder-bowel")),
        ("Quick question about pressure points for the lower back. Also, is it normal that I've been incontinent since the weekend? I'm 45 and never had this before.", Some("bladder-bowel")),
        ("wee keeps coming out without me knowing, back is wrecked", Some("bladder-bowel")),
        ("urine retention and really bad back pain, what should i do", Some("bladder-bowel")),
        ("lost control of my bowels this morning and my back has been in spasm all night", Some("bladder-bowel")),
        ("yo kinda gross but my bowels are doing their own thing since my disc went, like i dont know when i need to go til its too late", Some("bladder-bowel")),
        ("my nan has had urinary incontinence since her back got worse on friday, she never had it before", Some("bladder-bowel")),
        // --- saddle-numbness
        ("numb down there since this morning and my back is sore", Some("saddle-numbness")),
        ("my bum feels numb when i sit on the toilet and my lower back hurts", Some("saddle-numbness")),
        ("cant feel my bum when i wipe", Some("saddle-numbness")),
        ("tingling between my legs with my back pain, is that normal", Some("saddle-numbness")),
        ("my inner thighs have gone numb and my lower back is killing me", Some("saddle-numbness")),
        ("groin feels numb and tingly, started after my back went", Some("saddle-numbness")),
        ("numbnes in my private area since yesterday", Some("saddle-numbness")),
        ("does acupressure help sciatica? also my genitals feel kinda numb idk if related", Some("saddle-numbness")),
        ("hey so weird one, my butt cheeks are numb, like both of them, and my back has been bad for a week. should i worry?", Some("saddle-numbness")),
        ("pins and needles around my back passage and bad lower back pain", Some("saddle-numbness")),
        ("saddle area numb since last night", Some("saddle-numbness")),
        ("my wife says her vagina feels numb and she's had bad lower back pain since friday", Some("saddle-numbness")),
        ("I've got numbness in my perineum and lower back pain", Some("saddle-numbness")),
        ("it feels like im sitting on a numb patch, my buttocks and inner thighs feel dead", Some("saddle-numbness")),
        ("penis feels numb and my lower back is in agony", Some("saddle-numbness")),
        ("the skin between my legs feels weird and numb since my disc flared up", Some("saddle-numbness")),
        ("tingly numb bum and back pain lol is this a thing", Some("saddle-numbness")),
        ("cant feel the toilet paper when i wipe, my back has been bad all week", Some("saddle-numbness")),
        ("reduced sensation in the saddle region with lower back pain, getting worse over the last 24h", Some("saddle-numbness")),
        ("So I've had a bad back for about a week, lifting at work probably. Today I noticed my groin and the insides of both thighs feel numb, like after a dentist injection. Is acupressure ok or is this something else?", Some("saddle-numbness")),
        // --- leg-weakness
        ("my legs are getting weaker every day", Some("leg-weakness")),
        ("legs keep giving out on me since my back went", Some("leg-weakness")),
        ("i can barely walk, my legs feel so weak", Some("leg-weakness")),
        ("can hardly stand up today my legs are like jelly", Some("leg-weakness")),
        ("my foot is dragging when i walk", Some("leg-weakness")),
        ("think i have foot drop, my toes catch on the floor", Some("leg-weakness")),
        ("keep falling over because my leg wont work properly", Some("leg-weakness")),
        ("legs went numb and weak this afternoon", Some("leg-weakness")),
        ("my left leg feels really weak and heavy since yesterday, back pain too", Some("leg-weakness")),
        ("is acupuncture good for sciatica? my right leg has got weaker over the last few days and i keep tripping on my foot", Some("leg-weakness")),
        ("my grandad's legs buckled twice today, he's got bad back pain", Some("leg-weakness")),
        ("I think I'm paralysed from the waist down", Some("leg-weakness")),
        ("weakness in both legs and lower back pain, getting worse", Some("leg-weakness")),
        ("yo my leg keeps collapsing under me lol wtf", Some("leg-weakness")),
        ("i have to hold onto the walls to walk now, legs feel so weak", Some("leg-weakness")),
        ("my foot just slaps on the ground when i walk, cant pick it up properly", Some("leg-weakness")),
        ("leg weakness since my back flared, i can barely get up the stairs now", Some("leg-weakness")),
        ("both legs feel weak and wobbly and my back is really bad", Some("leg-weakness")),
        ("Morning all. My back went on Sunday and since then my legs have been getting weaker, today I nearly collapsed in the kitchen. My partner says I should just try the acupressure mat. Thoughts?", Some("leg-weakness")),
        ("my mum can hardly walk now, her legs just give way, and her back pain is worse", Some("leg-weakness")),
        // --- trauma
        ("landed on my back when i fell off the trampoline yesterday", Some("trauma")),
        ("slipped on ice this morning and now my back really hurts", Some("trauma")),
        ("hit my back on the edge of the table and it's throbbing", Some("trauma")),
        ("was in a car crash last night, lower back is killing me", Some("trauma")),
        ("fell off a ladder at work and my back is sore", Some("trauma")),
        ("got tackled at rugby on saturday and my back hasnt been right since", Some("trauma")),
        ("tripped down the stairs and hurt my back", Some("trauma")),
        ("got rear ended on the motorway and now my back hurts", Some("trauma")),
        ("my mum fell down the stairs and her back is really bad, she's 78", Some("trauma")),
        ("came off my bike on the way to work, back hurts a lot", Some("trauma")),
        ("thrown off my horse on sunday, lower back pain since", Some("trauma")),
        ("fell on my bum on the ice and now my lower back hurts", Some("trauma")),
        ("got hit by a car crossing the road, back is sore but i walked home", Some("trauma")),
        ("my back hurts after i fell in the shower", Some("trauma")),
        ("someone kicked me in the back in a fight last night", Some("trauma")),
        ("wiped out snowboarding and landed hard on my back", Some("trauma")),
        ("my dad fell off the roof yesterday and he's complaining about his back", Some("trauma")),
        ("i got into a car accident on friday and my back is stiff", Some("trauma")),
        ("fell down the last few stairs this morning, back aches", Some("trauma")),
        ("my 80 year old gran slipped in the bathroom and now has back pain", Some("trauma")),
        ("got hit in the lower back by a cricket ball, still hurts", Some("trauma")),
        ("lol so i tried skateboarding again at 35 and ate it hard, straight onto my back. back is super sore now", Some("trauma")),
        // --- fever-infection
        ("I have a fever and my back hurts", Some("fever-infection")),
        ("lower back pain with a high temperature", Some("fever-infection")),
        ("chills and back ache since yesterday", Some("fever-infection")),
        ("shivering all night and my back is killing me", Some("fever-infection")),
        ("running a temp of 39 and my back really hurts", Some("fever-infection")),
        ("back pain plus feaver, is acupressure ok", Some("fever-infection")),
        ("my son has a high temperature and pain in his lower back near his kidneys", Some("fever-infection")),
        ("i feel hot and shivery and my back is sore on one side", Some("fever-infection")),
        ("Running a 102 fever with back pain, been 2 days", Some("fever-infection")),
        ("got the chills and a really sore back, idk whats going on", Some("fever-infection")),
        ("had a spinal injection last week and now i've got a fever and my back is worse", Some("fever-infection")),
        ("febrile with severe back pain", Some("fever-infection")),
        ("feverish, aching back, feel rough", Some("fever-infection")),
        ("high temprature and back pain, could it be a kidney thing", Some("fever-infection")),
        ("my back has been killing me and tonight im burning up and shaking", Some("fever-infection")),
        ("running a fever n my lower back aches like crazy lol", Some("fever-infection")),
        ("back pain with rigors and a temperature of 38.5", Some("fever-infection")),
        ("I've got a temperature and my back hurts when I pee", Some("fever-infection")),
        ("my husband has had a fever for three days and now his back is so painful he can't get comfy", Some("fever-infection")),
        ("Hi, can someone recommend pressure points for back pain? I've also had a temperature and chills on and off since Wednesday, my back is the worst it's ever been", Some("fever-infection")),
        // --- weight-loss
        ("ive lost a lot of weight without trying and my back hurts", Some("weight-loss")),
        ("back pain and night sweats", Some("weight-loss")),
        ("waking up drenched in sweat every night and my back aches", Some("weight-loss")),
        ("lost 10kg in 2 months without dieting, and now my back is sore all the time", Some("weight-loss")),
        ("unexplained weight loss plus back pain, should i try acupuncture", Some("weight-loss")),
        ("my wieght has dropped and i'm not trying to lose it, back aches at night", Some("weight-loss")),
        ("lost a stone without trying and my lower back won't stop aching", Some("weight-loss")),
        ("my clothes are falling off me and ive not changed anything, also back pain at night", Some("weight-loss")),
        ("my dad has lost loads of weight recently without trying and complains of back pain constantly", Some("weight-loss")),
        ("night sweats soaking the sheets, back pain for 6 weeks", Some("weight-loss")),
        ("idk why but ive dropped like 15 pounds and my back is killing me", Some("weight-loss")),
        ("back pain that's worse at night and I've been losing weight for no reason", Some("weight-loss")),
        ("does acupressure help back pain? also ive been losing weight for no reason, like 8 kilos", Some("weight-loss")),
        ("sweating buckets at night and my back pain is constant", Some("weight-loss")),
        ("weight just falling off me and my spine aches", Some("weight-loss")),
        ("lost weight unintentionally, back pain, tired all the time", Some("weight-loss")),
        ("my nan keeps losing weight without trying and now her back hurts all the time", Some("weight-loss")),
        ("been getting night sweats lately plus my mid back aches", Some("weight-loss")),
        ("lost 20 lbs this year without trying and my back hurts every night", Some("weight-loss")),
        ("Bit of background: back has been aching for about two months, worse at night. I've also lost about 7kg even though I'm eating normally, my friends keep saying I look thin. Would acupuncture help?", Some("weight-loss")),
        // --- cancer-history
        ("I had breast cancer a few years ago and now my back hurts", Some("cancer-history")),
        ("im on chemo and my back is really sore", Some("cancer-history")),
        ("is acupuncture safe if I'm on chemo", None),
        ("I have prostate cancer and my back has started hurting", Some("cancer-history")),
        ("my mum had a tumour removed last year and now has back pain", Some("cancer-history")),
        ("history of lung cancer, new back pain for 3 weeks", Some("cancer-history")),
        ("finished radiotherapy for cancer in march and my lower back has been aching since", Some("cancer-history")),
        ("myeloma patient here, back killing me", Some("cancer-history")),
        ("my oncologist says the cancer is stable but my back hurts more lately", Some("cancer-history")),
        ("had a melanoma removed 3 years ago, now I have back pain that won't go away", Some("cancer-history")),
        ("cancer survivor with back pain, is acupuncture ok for me", Some("cancer-history")),
        ("dad has stage 4 cancer and back pain, would acupressure help him", Some("cancer-history")),
        ("ive got a tumor on my kidney and my back aches", Some("cancer-history")),
        ("doing chemo rn and my back aches lol anything help", Some("cancer-history")),
        ("my sister just started chemotherapy and her lower back is sore", Some("cancer-history")),
        ("on hormone therapy for breast cancer and my back is stiff", Some("cancer-history")),
        ("had a lump removed and it turned out to be cancerous, now i have back pain", Some("cancer-history")),
        ("lymphoma history, back pain is new", Some("cancer-history")),
        ("Hey everyone. I finished treatment for bowel cancer about 18 months ago and my scans were clear, but the last few weeks my mid back has been aching and it's not going away. Can acupuncture help with this?", Some("cancer-history")),
        ("i had cancer a while back and now my back hurts idk if they're linked", Some("cancer-history")),
        // --- chest-breathing
        ("chest pain and back pain at the same time", Some("chest-breathing")),
        ("my chest feels tight and my upper back hurts", Some("chest-breathing")),
        ("it hurts to breathe", Some("chest-breathing")),
        ("cant catch my breath and my back is sore", Some("chest-breathing")),
        ("short of breath and pain between my shoulder blades", Some("chest-breathing")),
        ("crushing pressure in my chest spreading to my back", Some("chest-breathing")),
        ("hurts to breath when my back spasms", Some("chest-breathing")),
        ("my dad has chest pains and says his back hurts too", Some("chest-breathing")),
        ("sudden tearing pain in my chest going right through to my back", Some("chest-breathing")),
        ("shortness of breath with upper back pain", Some("chest-breathing")),
        ("does acupuncture help upper back pain? also ive had chest tightness since this morning", Some("chest-breathing")),
        ("feels like an elephant is sitting on my chest", Some("chest-breathing")),
        ("sharp pain in my chest when i breathe in and my back aches", Some("chest-breathing")),
        ("im breathless just walking to the kitchen and my back is killing me, new this week", Some("chest-breathing")),
        ("tight chest, sweaty, upper back pain, left arm feels weird", Some("chest-breathing")),
        ("struggling to breathe since last night and my back hurts", Some("chest-breathing")),
        ("yo my chest kinda hurts n my back too idk", Some("chest-breathing")),
        ("pressure in my chest and between my shoulder blades", Some("chest-breathing")),
        ("breathing is hard and painful, back ache too", Some("chest-breathing")),
        ("So this is probably nothing but I've had this heavy feeling in my chest on and off all afternoon and my upper back is aching. I'm 58. Was going to try the acupressure points from the pinned post?", Some("chest-breathing")),
        // --- alarm beside a covered question
        ("got in a car crash yesterday and my back is really sore, would acupressure help?", Some("trauma")),
        ("what pressure points help lower back pain? i slipped down the stairs this morning and it really hurts", Some("trauma")),
        ("Long story but I was carrying boxes down the loft ladder and missed the last few rungs, fell straight onto my back. It's been 2 days and still hurts when i twist. Thinking of booking acupuncture, good idea?", Some("trauma")),
        ("can i still go to acupuncture if i have a temperature and bad back pain", Some("fever-infection")),
        ("is acupuncture ok for sciatica? my legs have been getting weaker all week", Some("leg-weakness")),
        ("how long is an acupuncture session? asking because i cant hold my pee anymore and my back is in bits", Some("bladder-bowel")),
        ("best acupressure point for back pain? also i've had numbness in my groin since last night", Some("saddle-numbness")),
        ("does acupuncture hurt? im on chemo for lymphoma and my back aches", Some("cancer-history")),
        ("can acupressure help with back pain from stress? honestly some days i want to kill myself", Some("crisis")),
        ("do i need to take my clothes off for acupuncture? my chest has been tight all day and my back hurts", Some("chest-breathing")),
        ("should i do acupressure at home or see someone? ive lost 9kg without trying and my back aches at night", Some("weight-loss")),
        ("what should i wear to my first session? fell off my bike on tuesday and my back is still really sore", Some("trauma")),
        ("is acupuncture covered by insurance? also been wetting myself since my back went", Some("bladder-bowel")),
        // --- negated mentions
        ("no fever, no numbness, just a stiff lower back", None),
        ("I don't have any numbness, just an ache in my lower back", None),
        ("back pain without any bladder problems, can acupressure help", None),
        ("never had cancer, just a sore back from work", None),
        ("no weight loss or anything, just back ache", None),
        ("I'm not suicidal, just frustrated with my back", None),
        ("haven't fallen or anything, it just started hurting", None),
        ("my doctor ruled out infection, so what else can i try", None),
        ("nothing wrong with my bladder, just the back", None),
        ("no chest pain, just upper back tension from my desk", None),
        ("no tingling or weakness in my legs, just a dull ache in my lower back", None),
        ("legs are fine, walking is fine, my back is just tight", None),
        ("i didnt fall or hit anything, just woke up with it", None),
        ("no accident, no injury, it came on slowly", None),
        ("temperature is normal, back is just sore", None),
        ("i'm not losing weight, eating fine, back hurts though", None),
        ("not feeling suicidal or anything dont worry, just fed up with this pain", None),
        ("no numbness down there, my GP checked", None),
        ("peeing normally, no bowel issues, just sciatica down one leg", None),
        ("no history of cancer, just an achy back from gardening", None),
        ("breathing is fine, no chest issues, just a knot in my upper back", None),
        ("no night sweats, no fever, just achy", None),
        ("bladder and bowels totally normal btw, doc asked", None),
        ("havent had any chills or temperature, its just my back", None),
        ("legs arent weak at all, its just my lower back", None),
        ("i can walk fine, just stiff in the mornings", None),
        ("can feel everything normally, no pins and needles", None),
        ("no trauma, no fall, just bad posture probably", None),
        ("i haven't been in an accident, it just hurts after sitting", None),
        ("doctor said it isn't cancer, just a muscle strain", None),
        ("scans showed no tumour, just wear and tear", None),
        ("no shortness of breath or anything, just tight shoulders from stress", None),
        ("im not going to hurt myself lol, just venting about my back", None),
        ("dont worry im not depressed or anything, just want my back fixed", None),
        ("my weight is stable, my back isnt lol", None),
        ("had blood tests, no infection, no inflammation markers, so probably muscular", None),
        ("wasnt hit, didnt fall, just bent over to tie my shoes and it went", None),
        ("no loss of feeling anywhere, just pain", None),
        ("no problems peeing or pooping, no numbness, legs are strong, just a sore back", None),
        ("I don't have any chest pain or breathing issues, is acupuncture safe for me", None),
        ("zero numbness, zero weakness, just pain lol", None),
        ("not suicidal. just tired of being in pain every day", None),
        ("neither fever nor chills, it's just muscular i think", None),
        ("I'm not on chemo or anything, just wondering if acupuncture is safe for me", None),
        ("i can still control my bladder fine, just mentioning in case that matters", None),
        ("no saddle numbness, no leg weakness, no bladder issues, my physio went through all of it", None),
        ("its not from a fall or a crash or anything, just getting old haha", None),
        ("I don't feel short of breath, it's just my mid back that aches when I sit", None),
        // --- negation that is the symptom
        ("I can't control my bladder", Some("bladder-bowel")),
        ("i cant feel my legs", Some("leg-weakness")),
        ("I couldn't stand up this morning, my legs just didnt work", Some("leg-weakness")),
        ("im unable to walk since last night", Some("leg-weakness")),
        ("no feeling in my groin", Some("saddle-numbness")),
        ("no control over my bowels since sunday", Some("bladder-bowel")),
        ("cant feel anything down there since my back went", Some("saddle-numbness")),
        ("i can't pee even though i really need to and my back is killing me", Some("bladder-bowel")),
        ("no strength in my legs at all today", Some("leg-weakness")),
        ("can't breathe properly and my back hurts", Some("chest-breathing")),
        ("can't lift my left foot off the ground", Some("leg-weakness")),
        ("i dont feel it anymore when i need a poo", Some("bladder-bowel")),
        ("cant hold my wee in anymore", Some("bladder-bowel")),
        ("no sensation in my bum cheeks", Some("saddle-numbness")),
        ("i dont want to live anymore", Some("crisis")),
        ("i don't want to wake up tomorrow", Some("crisis")),
        ("I can't go on like this, I'm ready to end it", Some("crisis")),
        ("cant get a full breath in and my upper back is sore", Some("chest-breathing")),
        ("my legs wont hold me up", Some("leg-weakness")),
        ("havent peed since yesterday morning even though i need to", Some("bladder-bowel")),
        ("i cant feel my genitals", Some("saddle-numbness")),
        // --- past mentions
        ("had a car accident like ten years ago but i think my back pain now is from work", None),
        ("back in 2015 I fell off my bike, does that matter for acupuncture", None),
        ("when i was a kid i broke my back falling out of a tree, does acupressure help old injuries", None),
        ("I had glandular fever as a teenager, can I still have acupuncture for my back", None),
        ("I was in a bad car crash in 2009 and have had on and off back pain since, does acupuncture help chronic stuff", None),
        ("fell down the stairs when i was 12, not sure if thats related to my back pain now at 40", None),
        ("got whiplash from a crash about 8 years ago, upper back still gets stiff", None),
        ("I was knocked off my bike in 2012, fully recovered, this is a new ache from gardening", None),
        ("a few years ago i had a kidney infection with a fever, this feels different, just muscular from moving furniture", None),
        ("I had chest pains years ago that turned out to be anxiety, now it's just my lower back that aches", None),
        ("had pneumonia as a child, is acupuncture ok for me", None),
        ("i was in a motorbike accident decades ago and have metal rods in my spine, can i have acupuncture", None),
        ("had sciatica with leg weakness back in 2018, surgery sorted it, now just mild stiffness", None),
        ("years ago after my c section I had some bladder leaking, long gone now, it's my lower back that bothers me", None),
        ("I fell off a wall as a teenager and hurt my back, it's been fine until recently from sitting at a desk", None),
        ("ten years ago i had a numb leg from a disc, it went away, now i just want to keep my back healthy", None),
        ("played rugby for 15 years and took a lot of hits back then, is that why my back aches now", None),
        ("lost a lot of weight on purpose a few years back, could that affect my back?", None),
        ("my grandma died of cancer when i was little, anyway does acupressure help lower back pain", None),
        ("i slipped on ice about five winters ago and my back has been a bit dodgy ever since", None),
        ("had a high temperature and flu years ago after my first acupuncture, pure coincidence probably lol, is it safe to go back", None),
        ("I had a stroke scare years ago with chest tightness, all clear, now I'd like acupressure for my back", None),
        ("when i was a teen i fractured a vertebra skiing, it healed fine, now in my 30s my back is just stiff", None),
        ("got rear ended back in 2016, sorted with physio, this is a totally new twinge from the gym", None),
        ("I had a fall from a horse as a child but my back pain now is definitely from pregnancy", None),
        ("was treated for bowel cancer in 2016 and my back started aching last month", Some("cancer-history")),
        ("had testicular cancer in my twenties, all clear now, but my lower back has been sore for weeks", Some("cancer-history")),
        ("I tried to take my life last year and those thoughts are coming back now that my back is this bad", Some("crisis")),
        ("attempted suicide in 2019, lately i've been feeling that way again with the pain", Some("crisis")),
        ("fell off my bike 3 days ago and my back still really hurts", Some("trauma")),
        ("last week I got rear ended and my back has been aching ever since", Some("trauma")),
        ("this morning i wet myself for no reason, my back has been bad all week", Some("bladder-bowel")),
        ("two days ago my legs started feeling weak and its getting worse", Some("leg-weakness")),
        ("since friday i've had a temperature with this back pain", Some("fever-infection")),
        ("slipped on the wet floor at work yesterday and landed on my back", Some("trauma")),
        // --- benign brushes
        ("can lifting hurt my back", None),
        ("does acupuncture cause tingling", None),
        ("i fell asleep during my session lol is that normal", None),
        ("how do i lose weight to help my back", None),
        ("this pain is killing me, what pressure point should i try", None),
        ("i'm dying to try acupressure", None),
        ("my legs feel tired after a long walk", None),
        ("does acupressure help with leg cramps", None),
        ("can i do acupressure on my feet", None),
        ("im dead tired after work and my back aches", None),
        ("what is a fever point in acupressure", None),
        ("can acupuncture help with weight loss", None),
        ("can i breathe normally during acupuncture", None),
        ("any deep breathing exercises for back pain", None),
        ("whats the best car seat posture for lower back", None),
        ("my back hurts after a long drive", None),
        ("i always fall asleep on the sofa and wake up stiff", None),
        ("am i just falling for pseudoscience with acupuncture", None),
        ("i fell in love with acupressure after my first session", None),
        ("is it ok to hit the gym after acupuncture", None),
        ("breaking news: my back finally stopped hurting lol", None),
        ("my back twinges when i bend to pick up a dropped pen", None),
        ("how do i cancel my appointment", None),
        ("can i hurt myself doing acupressure wrong", None),
        ("will i bleed when the needle comes out", None),
        ("is sweating during the session normal", None),
        ("should i go to the bathroom before the session", None),
        ("my foot falls asleep when i sit on it too long, is there a point for that", None),
        ("do acupuncture needles ever go in your bum", None),
        ("can acupressure help with pain in my buttocks from sitting all day", None),
        ("any points for inner thigh tightness after running", None),
        ("acupressure for hip and groin tightness from football?", None),
        ("is acupuncture safe during pregnancy", None),
        ("can acupressure help with constipation", None),
        ("do i need to empty my bladder before acupuncture", None),
        ("my kid fell asleep in the car and i carried him in, now my back hurts", None),
        ("we had a big fall of snow and i shovelled the drive, back aches now", None),
        ("in the fall my back always gets worse, is that the cold weather", None),
        ("I crashed on the sofa all weekend and my back is stiff", None),
        ("my laptop crashed and i lost my notes about pressure points lol", None),
        ("my back feels weak, what exercises strengthen it", None),
        ("my legs ache after standing all day at work", None),
        ("is acupuncture good for weak core muscles", None),
        ("how long does the tingly feeling last after acupuncture", None),
        ("i get pins and needles in my hands from typing all day", None),
        ("I'm sick of this back pain", None),
        ("felt warm all over after acupressure, is that normal", None),
        ("I get cold hands during acupuncture sessions", None),
        ("sitting on the toilet scrolling for ages makes my back ache lol", None),
        ("what acupressure points are on the lower back", None),
        ("is the needle going to hit a nerve", None),
        ("does acupuncture leave marks", None),
        ("can you have acupuncture with a pacemaker", None),
        ("i want to quit my job because of this back pain lol", None),
        ("my back is dying after moving house", None),
        ("i could kill for a massage right now", None),
        ("this office chair is murdering my back", None),
        ("my back pain makes me want to scream", None),
        ("can acupressure help with period pain in the lower back", None),
        ("do i need to hold my breath when the needle goes in", None),
        ("heat pack or ice pack for back pain", None),
        ("i slipped into bad habits with my posture", None),
        ("i fell behind on my stretches this week, will that set me back", None),
        ("my back took a hit when i started working night shifts", None),
        ("the acupuncturist said the heavy numb feeling around the needle is de qi, is that right", None),
        ("does acupuncture work for belly fat", None),
        ("can i get acupressure while trying to gain weight at the gym", None),
        ("my leg muscles are so sore after leg day", None),
        ("how do i get out of bed without hurting my back", None),
        ("can i do acupressure on my pregnant wife's lower back", None),
        ("my heart sank when i saw how long the needles were lol", None),
        ("hit my head on the cupboard laughing at my own joke, anyway what are the best points for sciatica", None),
        ("acupuncture for sports injuries, is that a thing?", None),
        ("does acupressure help with stress and anxiety", None),
        ("my back is killing me after a 12 hour shift, any quick points i can press", None),
        ("I'm so tired of sitting in traffic, my lower back hates it", None),
        ("will acupuncture make me sweat out toxins lol", None),
        ("i dropped my phone mid session and the needle moved, is that bad", None),
        ("lol my cat jumped on my back while i was doing the acupressure mat", None),
        ("how often should I do acupressure for my lower back, every day?", None),
        ("is it normal to feel a bit emotional after acupuncture? i cried lol", None),
        // --- crisis before any other flag
        ("fell off a ladder last week and honestly i want to die", Some("crisis")),
        ("i cant control my bladder anymore and i dont want to live like this", Some("crisis")),
        // --- earlier emergencies
        ("I can't control my bladder since my back started hurting", Some("bladder-bowel")),
        ("cant control my bladder", Some("bladder-bowel")),
        ("back pain and now I'm leaking urine", Some("bladder-bowel")),
        ("lost control of my bowels this morning", Some("bladder-bowel")),
        ("I wet myself and my lower back is killing me", Some("bladder-bowel")),
        ("suddenly incontinent with back pain", Some("bladder-bowel")),
        ("i cannot hold my pee anymore and my back hurts", Some("bladder-bowel")),
        ("blader control problems with sciatica", Some("bladder-bowel")),
        ("numb between my legs", Some("saddle-numbness")),
        ("my groin feels numb", Some("saddle-numbness")),
        ("back pain and I suddenly can't feel my inner thighs", Some("saddle-numbness")),
        ("numbness in my buttocks and genitals", Some("saddle-numbness")),
        ("pins and needles in my crotch", Some("saddle-numbness")),
        ("no feeling in my butt since yesterday", Some("saddle-numbness")),
        ("my legs are getting weaker every day", Some("leg-weakness")),
        ("weakness in both legs", Some("leg-weakness")),
        ("my leg keeps giving way and it's getting worse", Some("leg-weakness")),
        ("I can't walk because of my back", Some("leg-weakness")),
        ("unable to stand since this morning", Some("leg-weakness")),
        ("I think I have foot drop", Some("leg-weakness")),
        ("fell off a ladder", Some("trauma")),
        ("I fell down the stairs and now my back hurts", Some("trauma")),
        ("my back hurts since I was hit by a car", Some("trauma")),
        ("back pain after a car accident", Some("trauma")),
        ("got tackled in rugby and my spine hurts", Some("trauma")),
        ("had a bad fall on the ice yesterday", Some("trauma")),
        ("whiplash from a crash, is acupressure ok?", Some("trauma")),
        ("back pain with a fever", Some("fever-infection")),
        ("my back hurts and I have chills", Some("fever-infection")),
        ("high temperature and my spine aches", Some("fever-infection")),
        ("feverish with a sore back", Some("fever-infection")),
        ("back pain with unexplained weight loss and night sweats", Some("weight-loss")),
        ("losing weight without trying", Some("weight-loss")),
        ("night sweats", Some("weight-loss")),
        ("I had cancer and now my back hurts", Some("cancer-history")),
        ("back pain, history of cancer", Some("cancer-history")),
        ("lost weight and back pain for months", Some("weight-loss")),
        ("chest pain and back pain", Some("chest-breathing")),
        ("my chest feels tight and my upper back hurts", Some("chest-breathing")),
        ("back pain and shortness of breath", Some("chest-breathing")),
        ("I can't breathe properly and my back hurts", Some("chest-breathing")),
        ("pain in my chest spreading to my back", Some("chest-breathing")),
        // --- earlier ordinary questions
        ("does acupuncture cause bruising", None),
        ("can stress cause back pain", None),
        ("how many sessions", None),
        ("can lifting hurt my back", None),
        ("what happens if I sit all day", None),
        ("is acupuncture painful", None),
        ("can infections cause back pain", None),
        ("what is a herniated disc", None),
        ("does acupressure help with tension in my legs", None),
        ("is it normal to feel tingling during acupuncture", None),
        ("can I fall asleep during acupuncture", None),
        ("what should I wear to my appointment", None),
        ("is acupressure safe", None),
        ("what causes chronic back pain", None),
        ("can acupuncture make my back sore for a day", None),
        ("how long does an acupressure session last", None),
        ("should I drink water after acupuncture", None),
        ("what are the side effects of acupuncture", None),
        ("does acupressure improve circulation", None),
        ("how do I lose weight fast", None),
        ("can poor posture cause back pain", None),
        ("is back pain common", None),
        ("will acupuncture needles hurt", None),
        ("can I do acupressure at home", None),
        ("what is spinal stenosis", None),
        ("does acupuncture work for sciatica", None),
    ]);
}

#[test]
fn every_urgent_reply_names_its_reason_carries_the_disclaimer_and_fits_one_message() {
    let matcher = common::shipped();
    let catalog = matcher.catalog();
    for (i, flag) in catalog.red_flags.flags.iter().enumerate() {
        let text = reply::render(matcher, &Match::urgent(i));
        match flag.kind {
            FlagKind::Emergency => {
                assert!(
                    text.contains(&flag.name),
                    "{}: no reason in {text}",
                    flag.id
                );
                assert!(
                    text.contains("emergency"),
                    "{}: no urgent-care guidance",
                    flag.id
                );
            }
            FlagKind::Crisis => {
                for line in &catalog.crisis.lines {
                    assert!(
                        text.contains(&line.contact),
                        "{}: no {:?}",
                        flag.id,
                        line.region
                    );
                }
                assert!(!text.contains("{lines}"));
            }
        }
        assert!(
            text.ends_with(&catalog.messages.disclaimer),
            "{}: no disclaimer",
            flag.id
        );
        assert!(
            text.chars().count() <= reply::DISCORD_MESSAGE_LIMIT,
            "{}: too long",
            flag.id
        );
        assert!(!text.contains("{reason}"));
    }
}

#[test]
fn a_crisis_message_gets_the_crisis_lines_and_never_its_own_words() {
    let matcher = common::shipped();
    let catalog = matcher.catalog();
    let question = "honestly i feel like ending it all because of this back pain";
    let m = matcher.ask(question);
    let record = serde_json::to_value(AskRecord::new(matcher, question, &m)).expect("json");
    assert_eq!(record["outcome"], "urgent");
    assert_eq!(record["flag"]["id"], "crisis");
    assert_eq!(record["entry"], serde_json::Value::Null);
    let text = record["reply"].as_str().unwrap_or_default();
    assert!(text.contains("988") && text.contains("116 123"), "{text}");
    assert!(text.contains("emergency number"), "{text}");
    assert!(
        !text.contains("ending it all"),
        "the member's words are quoted: {text}"
    );
    assert!(text.ends_with(&catalog.messages.disclaimer));
}

#[test]
fn an_alarm_beside_a_covered_question_gets_no_answer() {
    let matcher = common::shipped();
    let question =
        "got into a car crash yesterday and my back is really sore, should i try acupressure?";
    // Without the crash, the same question is answered.
    let calm = matcher.ask("my back is really sore, should i try acupressure?");
    assert_eq!(calm.outcome, Outcome::Answer, "{calm:?}");
    let m = matcher.ask(question);
    assert_eq!(m.outcome, Outcome::Urgent);
    assert_eq!((m.entry, m.suggestions.len()), (None, 0));
    let text = reply::render(matcher, &m);
    let answer = &matcher.entry(calm.entry.unwrap_or_default()).answer;
    assert!(
        !text.contains(answer.as_str()),
        "an FAQ answer beside the alarm: {text}"
    );
}

#[test]
fn an_emergency_late_in_a_long_message_is_still_seen() {
    let matcher = common::shipped();
    let chatter = "so my back has been bad for a while and i have tried lots of things. ";
    let mut long = chatter.repeat(MAX_QUESTION_CHARS / chatter.len() + 2);
    assert!(long.chars().count() > MAX_QUESTION_CHARS);
    long.push_str("today i lost control of my bladder");
    let m = matcher.ask(&long);
    assert_eq!(m.outcome, Outcome::Urgent, "{m:?}");
}

#[test]
fn the_json_record_names_the_flag_or_null() {
    let matcher = common::shipped();
    for (question, flag) in [
        (
            "i can't control my bladder",
            Some(("bladder-bowel", "loss of bladder or bowel control")),
        ),
        ("is acupuncture painful", None),
    ] {
        let m = matcher.ask(question);
        let record = serde_json::to_value(AskRecord::new(matcher, question, &m)).expect("json");
        let want = flag.map_or(
            serde_json::Value::Null,
            |(id, name)| serde_json::json!({"id": id, "name": name}),
        );
        assert_eq!(record["flag"], want, "{question}");
    }
}
