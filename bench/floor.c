// The kernel's floor under a heartbeat, the reference of bench/run.sh's heartbeat row: a server
// writes 8 bytes to each of N loopback TCP sockets once a beat (a beat a second) and reads each
// peer's 6-byte answer (a WebSocket ping and its pong at the socket level: one write and one read
// a socket), then prints its own CPU per socket and beat (getrusage). No framing, no parsing:
// what any server pays on this machine before its own code runs. NOREPLY=1: writes only.
//   ./floor server PORT N BEATS     (waits for N connections, then beats)
//   ./floor client PORT N SOURCES   (N connections from 127.0.0.1..SOURCES, answers each write)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
static double cpu(double*u,double*s){struct rusage r;getrusage(RUSAGE_SELF,&r);*u=r.ru_utime.tv_sec+r.ru_utime.tv_usec/1e6;*s=r.ru_stime.tv_sec+r.ru_stime.tv_usec/1e6;return *u+*s;}
int main(int argc,char**argv){
  int port=atoi(argv[2]),n=atoi(argv[3]);
  int ep=epoll_create1(0); struct epoll_event ev,evs[1024]; char buf[4096]; int one=1;
  if(!strcmp(argv[1],"server")){
    int beats=atoi(argv[4]);
    int l=socket(AF_INET,SOCK_STREAM,0); setsockopt(l,SOL_SOCKET,SO_REUSEADDR,&one,4);
    struct sockaddr_in a={0}; a.sin_family=AF_INET; a.sin_port=htons(port); a.sin_addr.s_addr=htonl(0x7f000001);
    if(bind(l,(void*)&a,sizeof a)||listen(l,4096)){perror("listen");return 1;}
    int *fds=malloc(n*sizeof(int));
    for(int i=0;i<n;i++){fds[i]=accept(l,0,0); if(fds[i]<0){perror("accept");return 1;} setsockopt(fds[i],IPPROTO_TCP,TCP_NODELAY,&one,4);
      ev.events=EPOLLIN; ev.data.fd=fds[i]; epoll_ctl(ep,EPOLL_CTL_ADD,fds[i],&ev);}
    fprintf(stderr,"server: %d connected\n",n); sleep(2);
    double u0,s0,u1,s1; cpu(&u0,&s0); double t0=now(); long got=0;
    for(int b=0;b<beats;b++){
      double start=now();
      for(int i=0;i<n;i++) if(write(fds[i],"\x89\x00\x81\x06hbeat",8)!=8){perror("write");return 1;}
      long want=getenv("NOREPLY")?0:(long)(b+1)*n*6;
      while(got<want){int k=epoll_wait(ep,evs,1024,1000); for(int j=0;j<k;j++){int r=read(evs[j].data.fd,buf,sizeof buf); if(r>0)got+=r;}}
      double left=1.0-(now()-start); if(left>0) usleep((useconds_t)(left*1e6));
    }
    cpu(&u1,&s1);
    printf("floor sockets=%d beats=%d us_per_socket_beat=%.2f user_us=%.2f sys_us=%.2f wall_s=%.1f\n",n,beats,
      ((u1+s1)-(u0+s0))*1e6/((double)n*beats),(u1-u0)*1e6/((double)n*beats),(s1-s0)*1e6/((double)n*beats),now()-t0);
    return 0;
  } else {
    int sources=atoi(argv[4]);
    for(int i=0;i<n;i++){int s=socket(AF_INET,SOCK_STREAM,0);
      struct sockaddr_in src={0}; src.sin_family=AF_INET; src.sin_addr.s_addr=htonl(0x7f000001+(i%sources)); bind(s,(void*)&src,sizeof src);
      struct sockaddr_in a={0}; a.sin_family=AF_INET; a.sin_port=htons(port); a.sin_addr.s_addr=htonl(0x7f000001);
      if(connect(s,(void*)&a,sizeof a)){perror("connect");return 1;} setsockopt(s,IPPROTO_TCP,TCP_NODELAY,&one,4);
      ev.events=EPOLLIN; ev.data.fd=s; epoll_ctl(ep,EPOLL_CTL_ADD,s,&ev);}
    for(;;){int k=epoll_wait(ep,evs,1024,-1); for(int j=0;j<k;j++){int r=read(evs[j].data.fd,buf,sizeof buf); if(r<=0) return 0;
      if(!getenv("NOREPLY")) for(int m=0;m<r/8;m++) if(write(evs[j].data.fd,"\x8a\x80pong",6)<0) return 0;}}
  }
}
